"""HRA (WMS-style extract): benefit cases as households: members, programs, incomes, rent."""

from __future__ import annotations

import random

from openhhs.synth import data
from openhhs.synth.corrupt import Profile
from openhhs.synth.population import (
    AS_OF_1,
    CHILD,
    ELDER,
    HEAD,
    PARENT,
    PARTNER,
    SINGLE_PARENT,
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
    link_row,
    mdy,
)

SOURCE = "HRA"
PROFILE = Profile(ssn_missing=0.03, phone_missing=0.1, middle_missing=0.35)

PERSON_COLUMNS = (
    "CIN", "CASE_NUM", "LINE_NUM", "REL_CD", "LAST_NAME", "FIRST_NAME", "MID_INIT", "SFX", "DOB",
    "SEX_CD", "SSN", "RACE_CD", "HISP_IND", "LANG_CD", "STREET_ADDR", "APT_NO", "CITY", "STATE",
    "ZIP", "PHONE_NUM", "LAST_UPD_DT",
)  # fmt: skip
CASE_COLUMNS = (
    "CASE_NUM", "CASE_STATUS", "HH_SIZE", "HOUSING_TYPE", "RENT_AMT", "RENT_FREQ",
    "HEAT_INCL_IND", "CASH_ON_HAND", "OPEN_DT", "CLOSE_DT", "JOB_CENTER",
)  # fmt: skip
ENRL_COLUMNS = (
    "ENRL_ID", "CIN", "CASE_NUM", "PGM_CD", "PGM_STATUS", "START_DT", "END_DT", "JOB_CENTER",
    "WORKER_NAME", "WORKER_PHONE", "WORKER_EMAIL",
)  # fmt: skip
INCOME_COLUMNS = ("INC_ID", "CIN", "CASE_NUM", "INC_TYPE_CD", "GROSS_AMT", "FREQ_CD", "EFF_DT")

REL = {HEAD: "01", SPOUSE: "02", CHILD: "03", PARENT: "05", UNRELATED: "08", PARTNER: "09"}
RACE = {"WHITE": "W", "BLACK": "B", "ASIAN": "A", "AIAN": "I", "NHPI": "P", "MENA": "M"}
LANG = {"en": "ENG", "es": "SPA", "zh": "CHI", "ru": "RUS", "bn": "BEN", "ar": "ARA", "ht": "HAT",
        "ko": "KOR"}  # fmt: skip
FREQ_AMOUNT = {"W": (250, 700), "B": (500, 1400), "S": (550, 1500), "M": (900, 3200)}


def _cin(r: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return r.choice(letters) + r.choice(letters) + f"{r.randrange(100000):05d}" + r.choice(letters)


def build(ctx: Context) -> SourceData:
    src = SourceData(SOURCE, rows={"cases": [], "enrollments": [], "income": []})
    r = ctx.r
    for hh in ctx.city.households:
        if not (hh.poor and r.random() < 0.85) and r.random() >= 0.02:
            continue
        _case(ctx, src, hh, [ctx.city.people[m] for m in hh.members], dup=False)
    # Within-source duplicates: a second CIN, made when the person applied alone later.
    for rec in list(src.records):
        if r.random() < 0.03:
            person = ctx.city.people[rec.person]
            _case(ctx, src, ctx.household(person), [person], dup=True)
    ctx.involved[SOURCE] = {rec.person for rec in src.records}
    return src


def _case(ctx: Context, src: SourceData, hh: Household, members: list[Person], dup: bool) -> None:
    r = ctx.r
    opened = ctx.day_between(START, AS_OF_1 - 30)
    closed = ctx.day_between(opened + 90, AS_OF_1) if r.random() < 0.3 else None
    # Only people born while the case was open can be on it (a newborn is added ~a month later).
    members = [m for m in members if m.dob + 60 < (closed or AS_OF_1)]
    if not members:
        return
    status = "CL" if closed else r.choices(("AC", "SU", "AP"), weights=(90, 5, 5))[0]
    # An active case past its recertification date is scheduled to close: END_DT in the future.
    ends = closed
    if status == "AC" and r.random() < 0.06:
        ends = AS_OF_1 + r.randrange(7, 75)
    case_num = ctx.ids.digits("hra.case", 10)
    borough = hh.address_at(opened).borough
    centers = data.HRA_JOB_CENTERS[borough]
    center = centers[r.randrange(len(centers))]
    housing, rent, freq = _housing(ctx, hh, len(members))
    src.rows["cases"].append(
        {
            "CASE_NUM": case_num,
            "CASE_STATUS": status,
            "HH_SIZE": str(len(members)),
            "HOUSING_TYPE": housing,
            "RENT_AMT": f"{rent:.2f}" if rent else "",
            "RENT_FREQ": freq if rent else "",
            "HEAT_INCL_IND": "Y" if r.random() < 0.8 else "N",
            "CASH_ON_HAND": f"{r.choice((0, 0, 0, 25, 60, 150, 400, 900, 1800)):.2f}",
            "OPEN_DT": mdy(opened),
            "CLOSE_DT": mdy(closed),
            "JOB_CENTER": center,
        }
    )
    programs = [p for p, rate in (("SNAP", 0.9), ("MA", 0.85), ("CA", 0.3)) if r.random() < rate]
    if dup or not programs:
        programs = ["MA"]
    case = src.rows["cases"][-1]
    case.update(_programs=programs, _status=status, _ends=ends, _closed=closed, _opened=opened,
                _worker=ctx.worker(SOURCE, center, "hra.nyc.gov"), _hh=hh.id)  # fmt: skip
    for line, person in enumerate(sorted(members, key=lambda m: m.role != HEAD), start=1):
        start = max(opened, person.dob + r.randrange(20, 60))
        seen = start
        if r.random() < 0.4:  # recertified later: name and address as of the update
            seen = ctx.day_between(start, closed or AS_OF_1)
        rel = "01" if line == 1 or dup else REL.get(person.role, "03" if person.role else "07")
        add_member(ctx, src, case, person, line, rel, start, seen)


def add_member(
    ctx: Context,
    src: SourceData,
    case: Row,
    person: Person,
    line: int,
    rel: str,
    start: int,
    seen: int,
) -> PersonRecord:
    """Put a person on a case: their record, one enrollment per program, their incomes."""
    r = ctx.r
    hh = ctx.household(person)
    rec = PersonRecord(
        SOURCE,
        ctx.ids.new("hra.cin", _cin),
        person.id,
        seen,
        ctx.view(person, seen, PROFILE),
        {"case": case["CASE_NUM"], "line": f"{line:02d}", "rel": rel},
    )
    src.records.append(rec)
    worker = case["_worker"]
    for pgm in case["_programs"]:
        pstatus = case["_status"] if r.random() < 0.95 else "DN"
        src.rows["enrollments"].append(
            {
                "ENRL_ID": ctx.ids.digits("hra.enrl", 9),
                "CIN": rec.key,
                "CASE_NUM": case["CASE_NUM"],
                "PGM_CD": pgm,
                "PGM_STATUS": pstatus,
                "START_DT": mdy(start),
                "END_DT": mdy(case["_ends"]),
                "_end": case["_ends"],
                "JOB_CENTER": case["JOB_CENTER"],
                "WORKER_NAME": worker.name.upper(),
                "WORKER_PHONE": worker.phone,
                "WORKER_EMAIL": worker.email,
            }
        )
    head_on_ca = "CA" in case["_programs"] and line == 1
    for code, amount, freq in _incomes(ctx, person, hh, head_on_ca):
        src.rows["income"].append(
            {
                "INC_ID": ctx.ids.digits("hra.inc", 9),
                "CIN": rec.key,
                "CASE_NUM": case["CASE_NUM"],
                "INC_TYPE_CD": code,
                "GROSS_AMT": f"{amount:.2f}",
                "FREQ_CD": freq,
                "EFF_DT": mdy(ctx.day_between(start, max(start, ctx.as_of))),
            }
        )
    return rec


def _housing(ctx: Context, hh: Household, size: int) -> tuple[str, float, str]:
    r = ctx.r
    if hh.nycha >= 0:
        return "01", float(r.randrange(180, 900)), "M"
    code = r.choices(("02", "03", "04", "05", "06", "07", "08"), weights=(45, 25, 3, 3, 5, 15, 4))[
        0
    ]
    if code == "02":
        return code, float(r.randrange(1100, 2600 + 150 * size, 25)), "M"
    if code == "03":
        return code, float(r.randrange(650, 1700, 25)), "M"
    if code == "04":
        return code, float(r.randrange(150, 320, 5)), "W"
    if code == "05":
        return code, float(r.randrange(700, 1500, 25)), "M"
    if code == "07":
        return code, float(r.choice((0, 200, 300, 400, 500))), "M"
    return code, 0.0, ""


def _incomes(
    ctx: Context, person: Person, hh: Household, cash_assistance: bool
) -> list[tuple[str, float, str]]:
    """Incomes by type and frequency, as the screening rules need them."""
    r = ctx.r
    age = person.age_at(AS_OF_1)
    out: list[tuple[str, float, str]] = []
    if age < 18:
        if r.random() < 0.03:
            out.append(("SV", float(r.randrange(300, 900)), "M"))
        return out
    if age >= 62:
        if r.random() < 0.8:
            out.append(("SR", float(r.randrange(700, 2300)), "M"))
        if r.random() < (0.3 if hh.kind == ELDER else 0.15):
            out.append(("SI", 967.0, "M"))
        if r.random() < 0.1:
            out.append(("PN", float(r.randrange(200, 1500)), "M"))
        return out
    u = r.random()
    if u < 0.55:
        freq = r.choices(("W", "B", "S", "M"), weights=(30, 45, 10, 15))[0]
        lo, hi = FREQ_AMOUNT[freq]
        out.append(("EW", float(r.randrange(lo, hi)), freq))
    elif u < 0.6:
        out.append(("SE", float(r.randrange(400, 2500)), "M"))
    elif u < 0.66:
        out.append(("UI", float(r.randrange(300, 504)), "W"))
    elif u < 0.72:
        out.append(("SD", float(r.randrange(900, 2000)), "M"))
    elif u < 0.76:
        out.append(("SI", 967.0, "M"))
    if cash_assistance:
        out.append(("PA", float(r.randrange(300, 900)), r.choice(("M", "S"))))
    if hh.kind == SINGLE_PARENT and person.role == HEAD and r.random() < 0.3:
        out.append(("CS", float(r.randrange(150, 700)), "M"))
    if person.veteran and r.random() < 0.5:
        out.append(("VB", float(r.randrange(300, 2000)), "M"))
    if r.random() < 0.02:
        out.append(("WC", float(r.randrange(200, 700)), "W"))
    return out


def _race(person: Person, u: float) -> tuple[str, str]:
    if u < 0.03:
        return "U", "U"
    hisp = "Y" if "HISPANIC" in person.races else "N"
    others = [RACE[x] for x in person.races if x in RACE]
    return (others[0] if others else "O"), hisp


def render(ctx: Context, src: SourceData) -> tuple[list[Table], list[Row]]:
    rows, links = [], []
    for rec in sorted(src.records, key=lambda x: x.key):
        if rec.deleted:
            continue
        v, person = rec.view, ctx.city.people[rec.person]
        race, hisp = _race(person, (rec.person * 7919 % 100) / 100)
        middle = v.middle[:1]
        rows.append(
            [
                rec.key, rec.extra["case"], rec.extra["line"], rec.extra["rel"], v.last, v.first,
                middle, v.suffix, mdy(v.dob), v.sex if v.sex in ("M", "F") else "U", v.ssn, race,
                hisp, LANG.get(person.language, "UNK"), v.street, v.unit, v.city, v.state, v.zip,
                v.phone, mdy(rec.day),
            ]
        )  # fmt: skip
        links.append(link_row(rec, middle_name=middle, sex=v.sex if v.sex != "X" else ""))
    person_keys = {rec.key for rec in src.records if not rec.deleted}
    tables = [
        Table("hra/wms_individuals.csv", SOURCE, "csv", "CIN", PERSON_COLUMNS, rows, True),
        _table("hra/wms_cases.csv", "CASE_NUM", CASE_COLUMNS, src.rows["cases"], None),
        _table(
            "hra/wms_program_enrollments.csv",
            "ENRL_ID",
            ENRL_COLUMNS,
            src.rows["enrollments"],
            person_keys,
        ),
        _table("hra/wms_income.csv", "INC_ID", INCOME_COLUMNS, src.rows["income"], person_keys),
    ]
    return tables, links


def _table(
    path: str, key: str, columns: tuple[str, ...], rows: list[Row], keep: set[str] | None
) -> Table:
    kept = [row for row in rows if keep is None or row["CIN"] in keep]
    kept.sort(key=lambda row: row[key])
    return Table(path, SOURCE, "csv", key, columns, [[row[c] for c in columns] for row in kept])
