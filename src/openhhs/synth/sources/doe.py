"""DOE schools (ATS-style): every child of school age; no SSNs; a row per school stint."""

from __future__ import annotations

import datetime as dt

from openhhs.synth import data
from openhhs.synth.corrupt import Profile
from openhhs.synth.population import AS_OF_1, CHILD, HEAD, START, Person
from openhhs.synth.sources.base import (
    Context,
    PersonRecord,
    Row,
    SourceData,
    Table,
    link_row,
    mdy_nopad,
    phone_dashes,
)

SOURCE = "DOE"
PROFILE = Profile(collects_ssn=False, phone_missing=0.1, middle_missing=0.5, ascii_only=False)

PERSON_COLUMNS = (
    "STUDENT_ID", "LAST_NAME", "FIRST_NAME", "MIDDLE_NAME", "BIRTH_DATE", "SEX", "ETHNIC_CODE",
    "HOME_LANG", "STREET", "APT", "CITY", "STATE", "ZIP", "HOME_PHONE", "PARENT_LAST",
    "PARENT_FIRST", "PARENT_PHONE",
)  # fmt: skip
ENRL_COLUMNS = (
    "ATS_ENRL_SEQ", "STUDENT_ID", "DBN", "SCHOOL_NAME", "GRADE_LEVEL", "ADMIT_DATE",
    "DISCHARGE_DATE", "DISCHARGE_CODE", "COUNSELOR_NAME", "COUNSELOR_PHONE", "COUNSELOR_EMAIL",
)  # fmt: skip
ETHNIC = {"ASIAN": "A", "BLACK": "B", "HISPANIC": "H", "AIAN": "I", "NHPI": "P", "WHITE": "W",
          "MENA": "E"}  # fmt: skip
LANG = {"en": "NO", "es": "SP", "zh": "CH", "ru": "RU", "bn": "BE", "ar": "AR", "ht": "HC",
        "ko": "KO"}  # fmt: skip
# School levels: (first grade, last grade) -> grades 0 = K, -1 = PK.
LEVELS = ((-1, -1), (0, 5), (6, 8), (9, 12))


def _grade(g: int) -> str:
    return "PK" if g < 0 else ("0K" if g == 0 else f"{g:02d}")


def _sept(year: int) -> int:
    return dt.date(year, 9, 8).toordinal()


def _june(year: int) -> int:
    return dt.date(year, 6, 26).toordinal()


def build(ctx: Context) -> SourceData:
    r = ctx.r
    src = SourceData(SOURCE, rows={"enrollments": []})
    first_year = dt.date.fromordinal(START).year - 1
    last_year = dt.date.fromordinal(AS_OF_1).year
    for person in ctx.city.people:
        born = dt.date.fromordinal(person.dob)
        start_year = born.year + 4 + (1 if born.month >= 12 else 0)  # PK the fall they turn 4
        if start_year + 13 < first_year + 1 or start_year > last_year - 1 or r.random() < 0.05:
            continue
        stints = []
        for lo, hi in LEVELS:
            year_in = start_year + lo + 1
            year_out = start_year + hi + 2  # June of the year after the last grade's fall
            admit, leave = _sept(year_in), _june(year_out)
            if leave < START or admit > AS_OF_1:
                continue
            stints.append((lo, admit, leave, year_in))
        if not stints:
            continue
        seen = min(max(stints[-1][1], START), AS_OF_1)
        rec = _record(ctx, src, person, seen)
        for lo, admit, leave, _year in stints:
            _stint(ctx, src, rec, person, lo, admit, leave)
    for rec in list(src.records):
        if r.random() < 0.02:  # a second OSIS number after the family left and came back
            person = ctx.city.people[rec.person]
            day = ctx.day_between(rec.day, AS_OF_1)
            dup = _record(ctx, src, person, day)
            _stint(ctx, src, dup, person, 6, day, day + 300)
    ctx.involved[SOURCE] = {rec.person for rec in src.records}
    return src


def _record(ctx: Context, src: SourceData, person: Person, day: int) -> PersonRecord:
    hh = ctx.household(person)
    parents = [ctx.city.people[m] for m in hh.members if ctx.city.people[m].role == HEAD]
    if person.role != CHILD or not parents:
        parents = [person]
    parent = parents[0]
    parent_first = parent.first
    if ctx.r.random() < 0.1:
        nick = data.nicknames_of(parent_first)
        parent_first = nick[0] if nick else parent_first
    extra = {
        "parent_last": parent.last_at(day),
        "parent_first": parent_first,
        "parent_phone": parent.phone_at(day),
    }
    rec = PersonRecord(SOURCE, ctx.ids.digits("doe.osis", 9), person.id, day,
                       ctx.view(person, day, PROFILE), extra)  # fmt: skip
    src.records.append(rec)
    return rec


def _stint(
    ctx: Context,
    src: SourceData,
    rec: PersonRecord,
    person: Person,
    lo: int,
    admit: int,
    leave: int,
) -> None:
    r = ctx.r
    borough = ctx.household(person).address_at(admit).borough
    schools = data.SCHOOLS[borough]
    dbn, name = schools[r.randrange(len(schools))]
    code = "GR"
    if r.random() < 0.06:
        leave = ctx.day_between(admit + 60, leave)
        code = r.choice(("TR", "LV"))
    counselor = ctx.worker(SOURCE, dbn, "schools.nyc.gov", "718")
    src.rows["enrollments"].append(
        {
            "ATS_ENRL_SEQ": ctx.ids.digits("doe.enrl", 10),
            "STUDENT_ID": rec.key,
            "DBN": dbn,
            "SCHOOL_NAME": name,
            "GRADE_LEVEL": _grade(lo),
            "ADMIT_DATE": mdy_nopad(admit),
            "DISCHARGE_DATE": mdy_nopad(leave) if leave <= AS_OF_1 else "",
            "DISCHARGE_CODE": code if leave <= AS_OF_1 else "",
            "COUNSELOR_NAME": counselor.name,
            "COUNSELOR_PHONE": counselor.phone,
            "COUNSELOR_EMAIL": counselor.email,
        }
    )


def render(ctx: Context, src: SourceData) -> tuple[list[Table], list[Row]]:
    rows, links = [], []
    for rec in sorted(src.records, key=lambda x: x.key):
        if rec.deleted:
            continue
        v, person = rec.view, ctx.city.people[rec.person]
        ethnic = "M" if len(person.races) > 1 else ETHNIC.get(person.races[0], "U")
        phone = phone_dashes(v.phone)
        rows.append(
            [rec.key, v.last, v.first, v.middle, mdy_nopad(v.dob), v.sex, ethnic,
             LANG.get(person.language, "NO"), v.street, v.unit, v.city, v.state, v.zip, phone,
             rec.extra["parent_last"], rec.extra["parent_first"],
             phone_dashes(rec.extra["parent_phone"])]
        )  # fmt: skip
        links.append(link_row(rec, phone=phone, ssn=""))
    keep = {rec.key for rec in src.records if not rec.deleted}
    enrl = sorted(
        (e for e in src.rows["enrollments"] if e["STUDENT_ID"] in keep),
        key=lambda e: e["ATS_ENRL_SEQ"],
    )
    return [
        Table("doe/ats_student_bio.csv", SOURCE, "csv", "STUDENT_ID", PERSON_COLUMNS, rows, True),
        Table("doe/ats_enrollment.csv", SOURCE, "csv", "ATS_ENRL_SEQ", ENRL_COLUMNS,
              [[e[c] for c in ENRL_COLUMNS] for e in enrl]),
    ], links  # fmt: skip
