"""DOHMH mental-health clients, episodes and service contacts, as JSON Lines (a modern system)."""

from __future__ import annotations

import datetime as dt

from openhhs.synth.corrupt import Profile
from openhhs.synth.population import AS_OF_1, START, Person
from openhhs.synth.sources.base import (
    Context,
    PersonRecord,
    Row,
    SourceData,
    Table,
    iso,
    link_row,
    ssn_dashes,
)

SOURCE = "DOHMH"
PROFILE = Profile(ssn_missing=0.4, phone_missing=0.15, middle_missing=0.5, ascii_only=False)
CLIENT_KEYS = (
    "client_id", "name_first", "name_middle", "name_last", "name_suffix", "birth_date",
    "sex_at_birth", "gender_identity", "race", "race_detail", "ssn", "phone", "address",
    "primary_language", "updated_at",
)  # fmt: skip
RACE = {
    "AIAN": "American Indian or Alaska Native", "ASIAN": "Asian",
    "BLACK": "Black or African American", "HISPANIC": "Hispanic or Latino",
    "MENA": "Middle Eastern or North African", "NHPI": "Native Hawaiian or Pacific Islander",
    "WHITE": "White",
}  # fmt: skip
PROGRAMS = ("OUTPATIENT_CLINIC", "ACT", "CRISIS_MOBILE", "SUPPORTED_HOUSING")
SERVICE_TYPES = ("assessment", "therapy", "medication_management", "crisis_intervention")
SITES = ("BELLEVUE CPEP", "HARLEM CMHC", "KINGS COUNTY BHC", "JAMAICA MH CLINIC",
         "LINCOLN MH CLINIC", "RICHMOND UNIVERSITY MHC")  # fmt: skip


def _rate(ctx: Context, p: Person) -> float:
    if p.age_at(AS_OF_1) < 18:
        return 0.0
    rate = 0.03
    if p.id in ctx.involved.get("DHS", set()):
        rate += 0.25
    if p.id in ctx.involved.get("DOC", set()):
        rate += 0.3
    return rate


def _title(text: str) -> str:
    """Mixed case as a modern form stores it: `O'brien`, `Garcia-Lopez`, `96th St`."""
    words = []
    for word in text.split(" "):
        parts = [p[:1].upper() + p[1:].lower() for p in word.split("-")]
        words.append("-".join(parts))
    return " ".join(words)


def build(ctx: Context) -> SourceData:
    r = ctx.r
    src = SourceData(SOURCE, rows={"episodes": [], "services": []})
    for person in ctx.city.people:
        if r.random() >= _rate(ctx, person):
            continue
        adult = max(START, person.dob + int(18 * 365.25))
        start = ctx.day_between(adult, AS_OF_1 - 14)
        bookings, shelter = ctx.days("DOC", person.id), ctx.days("DHS", person.id)
        if bookings and r.random() < 0.75:  # in treatment in the months before a jail booking
            start = bookings[r.randrange(len(bookings))] - r.randrange(15, 150)
        elif shelter and r.random() < 0.5:  # referred from the shelter
            start = shelter[r.randrange(len(shelter))] + r.randrange(0, 120)
        start = min(max(start, adult), AS_OF_1 - 14)
        rec = PersonRecord(SOURCE, ctx.ids.digits("dohmh.client", 7, "MH"), person.id, start,
                           ctx.view(person, start, PROFILE), {"updated": start})  # fmt: skip
        src.records.append(rec)
        if r.random() < 0.03:  # registered twice at two clinics
            day = ctx.day_between(start, AS_OF_1)
            dup = PersonRecord(SOURCE, ctx.ids.digits("dohmh.client", 7, "MH"), person.id, day,
                               ctx.view(person, day, PROFILE), {"updated": day})  # fmt: skip
            src.records.append(dup)
            _episode(ctx, src, dup, day)
        day = start
        for _ in range(r.choice((1, 1, 2))):
            if day >= AS_OF_1:
                break
            day = _episode(ctx, src, rec, day) + r.randrange(30, 600)
    ctx.involved[SOURCE] = {rec.person for rec in src.records}
    return src


def _episode(ctx: Context, src: SourceData, rec: PersonRecord, start: int) -> int:
    r = ctx.r
    program = PROGRAMS[r.randrange(len(PROGRAMS))]
    length = r.randrange(3, 30) if program == "CRISIS_MOBILE" else r.randrange(60, 700)
    end = start + length
    site = SITES[r.randrange(len(SITES))]
    clinician = ctx.worker(SOURCE, site, "health.nyc.gov")
    episode_id = ctx.ids.digits("dohmh.episode", 8, "EP")
    src.rows["episodes"].append(
        {
            "episode_id": episode_id,
            "client_id": rec.key,
            "program": program,
            "status": "closed" if end < AS_OF_1 else "open",
            "admission_date": iso(start),
            "discharge_date": iso(end) if end < AS_OF_1 else None,
            "clinician": {"name": clinician.name, "phone": clinician.phone,
                          "email": clinician.email},
            "provider_site": site,
        }
    )  # fmt: skip
    last = min(end, AS_OF_1)
    add_service(ctx, src, src.rows["episodes"][-1], start, "assessment")  # intake, day one
    for _ in range(r.randrange(0, 7)):
        day = add_service(ctx, src, src.rows["episodes"][-1], ctx.day_between(start, last))
        rec.extra["updated"] = max(rec.extra["updated"], day)
    return end


def add_service(
    ctx: Context, src: SourceData, episode: Row, day: int, kind: str | None = None
) -> int:
    """A service contact within an episode (an event other agencies may be alerted to)."""
    if kind is None:
        crisis = episode["program"] == "CRISIS_MOBILE"
        kind = "crisis_intervention" if crisis else SERVICE_TYPES[ctx.r.randrange(3)]
    src.rows["services"].append(
        {
            "service_id": ctx.ids.digits("dohmh.service", 9, "SV"),
            "episode_id": episode["episode_id"],
            "client_id": episode["client_id"],
            "service_date": iso(day),
            "service_type": kind,
            "site": episode["provider_site"],
        }
    )
    return day


def render(ctx: Context, src: SourceData) -> tuple[list[Table], list[Row]]:
    rows, links = [], []
    for rec in sorted(src.records, key=lambda x: x.key):
        if rec.deleted:
            continue
        v, person = rec.view, ctx.city.people[rec.person]
        sex = {"M": "male", "F": "female"}.get(v.sex, "unknown")
        cis = "woman" if person.sex == "F" else "man"
        gender = person.gender if person.gender in ("non_binary", "transgender") else cis
        if rec.person % 53 == 0:
            gender = "declined"
        races = [] if rec.person % 47 == 0 else [RACE[x] for x in person.races]
        updated = dt.datetime.combine(dt.date.fromordinal(rec.extra["updated"]), dt.time(15, 4))
        rows.append(
            {
                "client_id": rec.key,
                "name_first": _title(v.first),
                "name_middle": _title(v.middle) or None,
                "name_last": _title(v.last),
                "name_suffix": v.suffix.title() or None,
                "birth_date": iso(v.dob) or None,
                "sex_at_birth": sex,
                "gender_identity": gender,
                "race": races,
                "race_detail": [person.detail] if races else [],
                "ssn": ssn_dashes(v.ssn) or None,
                "phone": f"+1{v.phone}" if v.phone else None,
                "address": {"line1": _title(v.street), "unit": v.unit or None,
                            "city": _title(v.city), "state": v.state, "zip": v.zip},
                "primary_language": person.language,
                "updated_at": updated.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )  # fmt: skip
        links.append(
            link_row(rec, first_name=_title(v.first), middle_name=_title(v.middle),
                     last_name=_title(v.last), suffix=v.suffix.title(), ssn=ssn_dashes(v.ssn),
                     phone=f"+1{v.phone}" if v.phone else "", sex=v.sex if v.sex != "X" else "",
                     street=_title(v.street), city=_title(v.city))
        )  # fmt: skip
    keep = {rec.key for rec in src.records if not rec.deleted}
    episodes = sorted((e for e in src.rows["episodes"] if e["client_id"] in keep),
                      key=lambda e: e["episode_id"])  # fmt: skip
    services = sorted((s for s in src.rows["services"] if s["client_id"] in keep),
                      key=lambda s: s["service_id"])  # fmt: skip
    return [
        Table("dohmh/mh_clients.jsonl", SOURCE, "jsonl", "client_id", CLIENT_KEYS, rows, True),
        Table("dohmh/mh_episodes.jsonl", SOURCE, "jsonl", "episode_id",
              tuple(episodes[0]) if episodes else (), episodes),
        Table("dohmh/mh_services.jsonl", SOURCE, "jsonl", "service_id",
              tuple(services[0]) if services else (), services),
    ], links  # fmt: skip
