"""NYCHA: public-housing and Section 8 tenancies with their household members (tab-separated)."""

from __future__ import annotations

import datetime as dt

from openhhs.synth.corrupt import Profile
from openhhs.synth.population import (
    ADULT_SON,
    AS_OF_1,
    CHILD,
    HEAD,
    PARENT,
    PARTNER,
    SPOUSE,
    START,
    UNRELATED,
    Household,
    Person,
)
from openhhs.synth.sources.base import (
    Context,
    PersonRecord,
    Row,
    SourceData,
    Table,
    dmon,
    link_row,
    phone_parens,
    ssn_dashes,
)

SOURCE = "NYCHA"
PROFILE = Profile(ssn_missing=0.04, phone_missing=0.2, middle_missing=0.5)

MEMBER_COLUMNS = (
    "MEMBER_ID", "TENANCY_ID", "SURNAME", "GIVEN_NAME", "MIDDLE_NAME", "DOB", "GENDER", "SSN",
    "RELATIONSHIP", "PHONE", "MOVE_IN_DATE", "MOVE_OUT_DATE", "ANNUAL_INCOME",
)  # fmt: skip
TENANCY_COLUMNS = (
    "TENANCY_ID", "PROGRAM", "DEVELOPMENT", "BLDG_ADDRESS", "APT", "BOROUGH", "ZIP",
    "LEASE_START", "LEASE_END", "MONTHLY_RENT", "HOUSING_ASSISTANT", "HA_PHONE", "HA_EMAIL",
    "MGMT_OFFICE",
)  # fmt: skip
PREFIX = {"MANHATTAN": "MN", "BRONX": "BX", "BROOKLYN": "BK", "QUEENS": "QN", "STATEN ISLAND": "SI"}
GENDER = {"M": "MALE", "F": "FEMALE"}


def _relationship(p: Person) -> str:
    if p.role == HEAD:
        return "HEAD"
    if p.role == SPOUSE:
        return "SPOUSE"
    if p.role == PARTNER:
        return "CO-HEAD"
    if p.role in (CHILD, ADULT_SON):
        return "SON" if p.sex == "M" else "DAUGHTER"
    if p.role == PARENT:
        return "PARENT"
    if p.role == UNRELATED:
        return "NON-RELATIVE"
    return "OTHER RELATIVE"


def build(ctx: Context) -> SourceData:
    r = ctx.r
    src = SourceData(SOURCE, rows={"tenancies": []})
    for hh in ctx.city.households:
        if hh.nycha >= 0:
            _tenancy(ctx, src, hh, "PH")
        elif hh.poor and r.random() < 0.05:
            _tenancy(ctx, src, hh, "S8")
    for rec in list(src.records):
        if r.random() < 0.01:  # re-added at a recertification under a new member id
            person = ctx.city.people[rec.person]
            day = ctx.day_between(rec.day, AS_OF_1)
            src.records.append(
                PersonRecord(SOURCE, ctx.ids.digits("nycha.member", 10), person.id, day,
                             ctx.view(person, day, PROFILE), dict(rec.extra))
            )  # fmt: skip
    ctx.involved[SOURCE] = {rec.person for rec in src.records}
    return src


def _tenancy(ctx: Context, src: SourceData, hh: Household, program: str) -> None:
    r = ctx.r
    # The lease starts when the household moved to its current (as of extract 1) address.
    idx = sum(1 for d in hh.move_days if d <= AS_OF_1)
    lease_start = hh.move_days[idx - 1] if idx else START - r.randrange(30, 6000)
    addr = hh.address_at(AS_OF_1)
    tenancy = ctx.ids.new(
        "nycha.tenancy", lambda rr: PREFIX[addr.borough] + f"{rr.randrange(10**7):07d}"
    )
    office = f"{addr.development or addr.borough} MGMT OFFICE"
    ha = ctx.worker(SOURCE, office, "nycha.nyc.gov")
    src.rows["tenancies"].append(
        {
            "TENANCY_ID": tenancy,
            "PROGRAM": program,
            "DEVELOPMENT": addr.development if program == "PH" else "",
            "BLDG_ADDRESS": addr.street,
            "APT": addr.unit,
            "BOROUGH": addr.borough,
            "ZIP": addr.zip,
            "LEASE_START": dmon(lease_start),
            "LEASE_END": "",
            "MONTHLY_RENT": str(r.randrange(150, 1400)),
            "HOUSING_ASSISTANT": ha.name.upper(),
            "HA_PHONE": ha.phone,
            "HA_EMAIL": ha.email,
            "MGMT_OFFICE": office,
        }
    )
    for m in hh.members:
        person = ctx.city.people[m]
        move_in = max(lease_start, person.dob + r.randrange(0, 30))
        if move_in > AS_OF_1:
            continue
        # Annual recertification: the record reflects the last one before the extract.
        years = max(0, int((AS_OF_1 - move_in) / 365.25))
        seen = move_in + 365 * (years if years else 0)
        move_out = None
        if person.role in (ADULT_SON, UNRELATED) and r.random() < 0.1:
            move_out = ctx.day_between(move_in, AS_OF_1)
        income = 0
        if person.age_at(AS_OF_1) >= 18 and r.random() < 0.7:
            income = r.randrange(6000, 52000, 100)
        rec = PersonRecord(
            SOURCE,
            ctx.ids.digits("nycha.member", 10),
            person.id,
            seen,
            ctx.view(person, seen, PROFILE),
            {"tenancy": tenancy, "rel": _relationship(person), "in": move_in, "out": move_out,
             "income": income},
        )  # fmt: skip
        src.records.append(rec)


def render(ctx: Context, src: SourceData) -> tuple[list[Table], list[Row]]:
    tenancies = {t["TENANCY_ID"]: t for t in src.rows["tenancies"]}
    rows, links = [], []
    for rec in sorted(src.records, key=lambda x: x.key):
        if rec.deleted:
            continue
        v = rec.view
        t = tenancies[rec.extra["tenancy"]]
        ssn, phone = ssn_dashes(v.ssn), phone_parens(v.phone)
        rows.append(
            [rec.key, rec.extra["tenancy"], v.last, v.first, v.middle, dmon(v.dob),
             GENDER.get(v.sex, "UNKNOWN"), ssn, rec.extra["rel"], phone, dmon(rec.extra["in"]),
             dmon(rec.extra["out"]), str(rec.extra["income"])]
        )  # fmt: skip
        links.append(
            link_row(rec, ssn=ssn, phone=phone, sex=v.sex if v.sex in ("M", "F") else "",
                     street=t["BLDG_ADDRESS"], unit=t["APT"], city=t["BOROUGH"], state="",
                     zip=t["ZIP"])
        )  # fmt: skip
    ten = [
        [t[c] for c in TENANCY_COLUMNS]
        for t in sorted(src.rows["tenancies"], key=lambda x: x["TENANCY_ID"])
    ]
    return [
        Table("nycha/nycha_household_members.tsv", SOURCE, "tsv", "MEMBER_ID", MEMBER_COLUMNS,
              rows, True),
        Table("nycha/nycha_tenancies.tsv", SOURCE, "tsv", "TENANCY_ID", TENANCY_COLUMNS, ten),
    ], links  # fmt: skip


_ = dt  # dates are ordinals here; datetime is only needed by the formatters
