"""DOC jail admissions: one row per booking, so repeat admissions are within-source duplicates."""

from __future__ import annotations

import datetime as dt

from openhhs.synth.corrupt import Profile
from openhhs.synth.population import AS_OF_1, START, Person
from openhhs.synth.sources.base import Context, PersonRecord, Row, SourceData, Table, link_row, mdy8

SOURCE = "DOC"
PROFILE = Profile(ssn_missing=0.45, phone_missing=0.4, typo=0.05, nickname=0.08)

COLUMNS = (
    "BOOK_CASE_NUM", "NYSID", "LAST_NAME", "FIRST_NAME", "MIDDLE_NAME", "SUFFIX", "DATE_OF_BIRTH",
    "SEX", "RACE", "SSN", "HOME_ADDRESS", "APT", "CITY", "STATE", "ZIP", "PHONE", "ADMISSION_DT",
    "DISCHARGE_DT", "FACILITY", "DISCHARGE_PLANNER", "PLANNER_PHONE", "PLANNER_EMAIL",
)  # fmt: skip
FACILITIES = ("AMKC", "EMTC", "GRVC", "OBCC", "RNDC", "VCBC")
RACE = {"BLACK": "B", "WHITE": "W", "ASIAN": "A", "AIAN": "I"}


def _stamp(day: int | None, minute: int) -> str:
    if day is None:
        return ""
    t = dt.datetime.combine(dt.date.fromordinal(day), dt.time(minute // 60 % 24, minute % 60))
    return t.strftime("%m/%d/%Y %H:%M")


def _rate(ctx: Context, p: Person) -> float:
    age = p.age_at(AS_OF_1)
    if age < 18 or age > 70:
        return 0.0
    sheltered = p.id in ctx.involved.get("DHS", set())
    if p.sex == "M":
        base = 0.03 if age < 50 else 0.01
        return base + (0.2 if sheltered else 0.0)
    return 0.004 + (0.05 if sheltered else 0.0)


def build(ctx: Context) -> SourceData:
    r = ctx.r
    src = SourceData(SOURCE)
    for person in ctx.city.people:
        if r.random() >= _rate(ctx, person):
            continue
        nysid = ctx.ids.new(
            "doc.nysid", lambda rr: f"{rr.randrange(10**8):08d}{rr.choice('HJKLMNPQRZ')}"
        )
        day = ctx.day_between(max(START, person.dob + int(18 * 365.25)), AS_OF_1 - 1)
        shelter = ctx.days("DHS", person.id)
        if shelter and r.random() < 0.6:  # booked while homeless: weeks to months after entry
            entry = shelter[r.randrange(len(shelter))]
            day = min(max(entry + r.randrange(20, 170), START), AS_OF_1 - 1)
        for _ in range(r.choices((1, 2, 3, 4), weights=(60, 25, 10, 5))[0]):
            if day >= AS_OF_1:
                break
            rec = admit(ctx, src, person, day, nysid, AS_OF_1)
            day = (rec.extra["out"] or (AS_OF_1, 0))[0] + r.randrange(20, 800)
    ctx.involved[SOURCE] = {rec.person for rec in src.records}
    return src


def admit(
    ctx: Context, src: SourceData, person: Person, day: int, nysid: str, as_of: int
) -> PersonRecord:
    """One booking: a new person record with what was written at intake that day."""
    r = ctx.r
    u = r.random()
    if u < 0.5:
        los = r.randrange(1, 10)
    else:
        los = r.randrange(10, 120) if u < 0.9 else r.randrange(120, 400)
    out = day + los
    facility = "RMSC" if person.sex == "F" else FACILITIES[r.randrange(len(FACILITIES))]
    planner = ctx.worker(SOURCE, facility, "doc.nyc.gov", "718")
    rec = PersonRecord(
        SOURCE,
        ctx.ids.digits("doc.book", 8, f"{dt.date.fromordinal(day).year % 100:02d}"),
        person.id,
        day,
        ctx.view(person, day, PROFILE),
        {
            "nysid": nysid if r.random() > 0.05 else "",
            "true_nysid": nysid,
            "in": (day, r.randrange(0, 1440)),
            "out": (out, r.randrange(0, 1440)) if out < as_of else None,
            "facility": facility,
            "planner": planner,
        },
    )
    src.records.append(rec)
    ctx.mark(SOURCE, person.id, day)
    return rec


def render(ctx: Context, src: SourceData) -> tuple[list[Table], list[Row]]:
    rows, links = [], []
    for rec in sorted(src.records, key=lambda x: x.key):
        if rec.deleted:
            continue
        v, person = rec.view, ctx.city.people[rec.person]
        race = "H" if "HISPANIC" in person.races else RACE.get(person.races[0], "O")
        if rec.person % 41 == 0:
            race = "U"
        e = rec.extra
        planner = e["planner"]
        sex = v.sex if v.sex in ("M", "F") else ""
        rows.append(
            [rec.key, e["nysid"], v.last, v.first, v.middle, v.suffix, mdy8(v.dob), sex, race,
             v.ssn, v.street, v.unit, v.city, v.state, v.zip, v.phone, _stamp(*e["in"]),
             _stamp(*e["out"]) if e["out"] else "", e["facility"], planner.name.upper(),
             planner.phone, planner.email]
        )  # fmt: skip
        links.append(link_row(rec, sex=sex))
    return [
        Table("doc/doc_admissions.csv", SOURCE, "csv", "BOOK_CASE_NUM", COLUMNS, rows, True)
    ], links
