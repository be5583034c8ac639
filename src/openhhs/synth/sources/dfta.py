"""DFTA aging services: older adults, the name in one `LAST, FIRST M` field, SSN last-4 only."""

from __future__ import annotations

from openhhs.synth.corrupt import Profile
from openhhs.synth.population import AS_OF_1, ELDER, START
from openhhs.synth.sources.base import (
    Context,
    PersonRecord,
    Row,
    SourceData,
    Table,
    link_row,
    mdy,
    phone_parens,
)

SOURCE = "DFTA"
PROFILE = Profile(ssn_missing=0.1, phone_missing=0.05, middle_missing=0.4)
CLIENT_COLUMNS = (
    "CLIENT_NO", "CLIENT_NAME", "DOB", "GENDER", "SSN_LAST4", "ADDRESS", "CITY", "ZIP",
    "TELEPHONE", "PRIMARY_LANGUAGE", "LIVES_ALONE", "INTAKE_DATE",
)  # fmt: skip
SERVICE_COLUMNS = (
    "SERVICE_ID", "CLIENT_NO", "SERVICE_TYPE", "PROVIDER", "START_DATE", "END_DATE",
    "CASE_MANAGER", "CM_PHONE", "CM_EMAIL",
)  # fmt: skip
LANGUAGE = {"en": "English", "es": "Spanish", "zh": "Chinese", "ru": "Russian", "bn": "Bengali",
            "ar": "Arabic", "ht": "Haitian Creole", "ko": "Korean"}  # fmt: skip
PROVIDERS = ("SELFHELP COMMUNITY SERVICES", "JASA", "CITYMEALS ON WHEELS", "SENIOR CENTER OF ",
             "ENCORE COMMUNITY SERVICES", "RAIN")  # fmt: skip


def build(ctx: Context) -> SourceData:
    r = ctx.r
    src = SourceData(SOURCE, rows={"services": []})
    for person in ctx.city.people:
        age = person.age_at(AS_OF_1)
        if age < 60:
            continue
        hh = ctx.household(person)
        if r.random() >= (0.3 if hh.kind == ELDER else 0.14):
            continue
        intake = ctx.day_between(max(START, person.dob + int(60 * 365.25)), AS_OF_1 - 7)
        keys = [_client(ctx, src, person.id, intake)]
        if r.random() < 0.02:
            keys.append(_client(ctx, src, person.id, ctx.day_between(intake, AS_OF_1)))
        for key in keys:
            borough = hh.address_at(intake).borough
            for _ in range(r.choice((1, 1, 2, 3))):
                kind = r.choice(("HDM", "CM", "SC", "HC"))
                provider = PROVIDERS[r.randrange(len(PROVIDERS))]
                if provider.endswith(" "):
                    provider += borough
                cm = ctx.worker(SOURCE, provider, "aging.nyc.gov")
                start = ctx.day_between(intake, AS_OF_1)
                end = start + r.randrange(30, 900)
                src.rows["services"].append(
                    {
                        "SERVICE_ID": ctx.ids.digits("dfta.service", 8),
                        "CLIENT_NO": key,
                        "SERVICE_TYPE": kind,
                        "PROVIDER": provider,
                        "START_DATE": mdy(start),
                        "END_DATE": mdy(end) if end < AS_OF_1 else "",
                        "CASE_MANAGER": cm.name,
                        "CM_PHONE": cm.phone,
                        "CM_EMAIL": cm.email,
                    }
                )
    ctx.involved[SOURCE] = {rec.person for rec in src.records}
    return src


def _client(ctx: Context, src: SourceData, person_id: int, day: int) -> str:
    person = ctx.city.people[person_id]
    key = ctx.ids.digits("dfta.client", 6, "DF")
    view = ctx.view(person, day, PROFILE)
    src.records.append(PersonRecord(SOURCE, key, person.id, day, view, {"intake": day}))
    return key


def full_name(last: str, first: str, middle: str, suffix: str) -> str:
    given = " ".join(x for x in (first, middle[:1], suffix) if x)
    return f"{last}, {given}" if given else last


def render(ctx: Context, src: SourceData) -> tuple[list[Table], list[Row]]:
    rows, links = [], []
    for rec in sorted(src.records, key=lambda x: x.key):
        if rec.deleted:
            continue
        v, person = rec.view, ctx.city.people[rec.person]
        hh = ctx.household(person)
        unit = v.unit if v.unit.startswith(("APT ", "#")) or not v.unit else f"APT {v.unit}"
        address = f"{v.street} {unit}" if unit else v.street
        phone = phone_parens(v.phone, space=False)
        alone = "Y" if len(hh.members) == 1 else "N"
        sex = v.sex if v.sex in ("M", "F") else ""
        rows.append(
            [rec.key, full_name(v.last, v.first, v.middle, v.suffix), mdy(v.dob), sex,
             v.ssn[5:], address, v.city, v.zip, phone, LANGUAGE.get(person.language, "English"),
             alone, mdy(rec.extra["intake"])]
        )  # fmt: skip
        links.append(
            link_row(rec, middle_name=v.middle[:1], ssn="", phone=phone, sex=sex, state="")
        )
    keep = {rec.key for rec in src.records if not rec.deleted}
    services = sorted((s for s in src.rows["services"] if s["CLIENT_NO"] in keep),
                      key=lambda s: s["SERVICE_ID"])  # fmt: skip
    return [
        Table("dfta/dfta_clients.csv", SOURCE, "csv", "CLIENT_NO", CLIENT_COLUMNS, rows, True),
        Table("dfta/dfta_services.csv", SOURCE, "csv", "SERVICE_ID", SERVICE_COLUMNS,
              [[s[c] for c in SERVICE_COLUMNS] for s in services]),
    ], links  # fmt: skip
