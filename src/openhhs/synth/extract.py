"""Later extracts: the same city 90 days on, with records changed, deleted and added.

`advance` mutates the world in place (deterministically for a seed and extract number);
`diff` compares two renderings row by row, so `changes.csv` lists exactly what a consumer
must apply, whatever the reason a row changed.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from openhhs.synth.corrupt import corrected
from openhhs.synth.population import (
    AS_OF_1,
    CHILD,
    EXTRACT_STEP_DAYS,
    FastRandom,
    Names,
    Person,
)
from openhhs.synth.sources import acs, dfta, dhs, doc, doe, dohmh, hra, nycha
from openhhs.synth.sources.base import Context, PersonRecord, Table, mdy

if TYPE_CHECKING:
    from openhhs.synth.generate import World

PROFILES = {m.SOURCE: m.PROFILE for m in (hra, dhs, acs, doe, nycha, doc, dohmh, dfta)}
CHANGE_COLUMNS = ("source", "file", "record_id", "change", "field", "old_value", "new_value")
DELETE_RATE = 0.005
UPDATE_RATE = 0.02


def advance(world: World, seed: int, k: int) -> None:
    """Move the world from extract k-1 to extract k."""
    ctx = world.ctx
    previous = ctx.as_of
    ctx.as_of = AS_OF_1 + EXTRACT_STEP_DAYS * (k - 1)
    ctx.r = FastRandom(seed * 7_919 + k * 104_729)
    for name in sorted(world.sources):
        src = world.sources[name]
        for rec in src.records:
            if rec.deleted:
                continue
            u = ctx.r.random()
            day = ctx.day_between(previous + 1, ctx.as_of)
            if u < DELETE_RATE:
                rec.deleted = True
                rec.extra["deleted_day"] = day
            elif u < DELETE_RATE + UPDATE_RATE:
                _update(ctx, rec, day)
    _births(ctx, world, previous)
    _close_hra_enrollments(ctx, world, previous)
    _new_bookings(ctx, world, previous)
    _new_shelter_stays(ctx, world, previous)
    _new_mh_services(ctx, world, previous)


def _update(ctx: Context, rec: PersonRecord, day: int) -> None:
    """A caseworker touched the record: new address or phone, married name, or a correction."""
    person = ctx.city.people[rec.person]
    hh = ctx.household(person)
    addr = hh.address_at(day)
    v = rec.view
    kind = ctx.r.randrange(4)
    if kind == 0 and (addr.street, addr.unit) != (v.street, v.unit):
        rec.view = replace(v, street=addr.street, unit=addr.unit, city=addr.city, zip=addr.zip)
    elif kind == 1 and person.maiden and v.last != person.last:
        rec.view = replace(v, last=person.last.upper())
    elif kind == 2:
        rec.view = corrected(v, person, hh, day, PROFILES[rec.source])
    else:
        phone = person.phone_at(day)
        if phone == v.phone:
            phone = f"{phone[:3]}{(int(phone[3:]) + 7_654_321) % 10_000_000:07d}" if phone else ""
            person.phone_old, person.phone, person.phone_change_day = person.phone, phone, day
        rec.view = replace(v, phone=phone)
    rec.day = day
    rec.extra["updated"] = day


def _births(ctx: Context, world: World, previous: int) -> None:
    """Babies born since the last extract, added to their family's open HRA case."""
    src = world.sources[hra.SOURCE]
    on_case: dict[str, int] = {}
    for rec in src.records:
        on_case[rec.extra["case"]] = on_case.get(rec.extra["case"], 0) + 1
    names = Names()
    for case in src.rows["cases"]:
        if case["_status"] != "AC" or case["_ends"] is not None or ctx.r.random() >= 0.02:
            continue
        hh = ctx.city.households[case["_hh"]]
        mothers = [
            p for p in (ctx.city.people[m] for m in hh.members)
            if p.sex == "F" and 18 <= p.age_at(ctx.as_of) <= 42 and p.role != CHILD
        ]  # fmt: skip
        if not mothers:
            continue
        mother = mothers[0]
        dob = ctx.day_between(previous - 40, ctx.as_of - 45)
        sex = ctx.r.choice("FM")
        first = names.given(ctx.r, hh.group, sex)
        baby = Person(
            id=len(ctx.city.people), household=hh.id, role=CHILD, sex=sex, dob=dob,
            group=hh.group, first=first, middle=names.middle_for(ctx.r, hh.group, sex, first),
            last=ctx.city.people[hh.members[0]].last, phone=mother.phone, races=mother.races,
            detail=mother.detail,
        )  # fmt: skip
        ctx.city.people.append(baby)
        hh.members.append(baby.id)
        line = on_case.get(case["CASE_NUM"], 0) + 1
        on_case[case["CASE_NUM"]] = line
        start = ctx.day_between(dob + 20, dob + 45)
        hra.add_member(ctx, src, case, baby, line, "03", start, start)
        case["HH_SIZE"] = str(int(case["HH_SIZE"]) + 1)


def _close_hra_enrollments(ctx: Context, world: World, previous: int) -> None:
    for row in world.sources[hra.SOURCE].rows["enrollments"]:
        if row["PGM_STATUS"] != "AC":
            continue
        if row["_end"] is not None and row["_end"] <= ctx.as_of:  # the scheduled closing came
            row["PGM_STATUS"] = "CL"
        elif row["_end"] is None and ctx.r.random() < 0.03:
            row["_end"] = ctx.day_between(previous + 1, ctx.as_of)
            row["END_DT"] = mdy(row["_end"])
            row["PGM_STATUS"] = "CL"


def _new_bookings(ctx: Context, world: World, previous: int) -> None:
    src = world.sources[doc.SOURCE]
    seen: dict[int, str] = {}
    for rec in src.records:
        seen.setdefault(rec.person, rec.extra.get("true_nysid", rec.extra["nysid"]))
    for person_id in sorted(seen):
        if ctx.r.random() < 0.04:
            day = ctx.day_between(previous + 1, ctx.as_of)
            doc.admit(ctx, src, ctx.city.people[person_id], day, seen[person_id], ctx.as_of)


def _new_shelter_stays(ctx: Context, world: World, previous: int) -> None:
    src = world.sources[dhs.SOURCE]
    by_person = {rec.person: rec for rec in src.records if not rec.deleted}
    projects = [p["ProjectID"] for p in src.rows["projects"] if p["ProjectType"] == "0"]
    for person_id in sorted(by_person):
        if ctx.r.random() < 0.03 and projects:
            person = ctx.city.people[person_id]
            day = ctx.day_between(previous + 1, ctx.as_of)
            project = projects[ctx.r.randrange(len(projects))]
            dhs.stay(ctx, src, by_person, [person], day, None, project, False)


def _new_mh_services(ctx: Context, world: World, previous: int) -> None:
    src = world.sources[dohmh.SOURCE]
    for episode in src.rows["episodes"]:
        if episode["status"] == "open" and ctx.r.random() < 0.5:
            dohmh.add_service(ctx, src, episode, ctx.day_between(previous + 1, ctx.as_of))


def _index(table: Table) -> dict[str, Any]:
    if table.fmt == "jsonl":
        return {str(row[table.key]): row for row in table.rows}
    i = table.columns.index(table.key)
    return {str(row[i]): row for row in table.rows}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def diff(before: list[Table], after: list[Table]) -> list[list[str]]:
    """Every added, deleted and changed row (one line per changed field) between two extracts."""
    out: list[list[str]] = []
    old_tables = {t.path: t for t in before}
    for table in after:
        old = _index(old_tables[table.path]) if table.path in old_tables else {}
        new = _index(table)
        columns = list(table.columns)
        deleted_at = columns.index("DateDeleted") if "DateDeleted" in columns else -1
        for key in sorted(old.keys() - new.keys()):
            out.append([table.source, table.path, key, "deleted", "", "", ""])
        for key in sorted(new.keys() - old.keys()):
            out.append([table.source, table.path, key, "added", "", "", ""])
        for key in sorted(old.keys() & new.keys()):
            a, b = old[key], new[key]
            if a == b:
                continue
            if deleted_at >= 0 and not a[deleted_at] and b[deleted_at]:
                out.append([table.source, table.path, key, "deleted", "", "", ""])
                continue
            fields = columns if table.fmt != "jsonl" else list(dict.fromkeys([*a, *b]))
            for i, name in enumerate(fields):
                va = a.get(name) if isinstance(a, dict) else a[i]
                vb = b.get(name) if isinstance(b, dict) else b[i]
                if va != vb:
                    out.append([table.source, table.path, key, "updated", name, _text(va),
                                _text(vb)])  # fmt: skip
    out.sort(key=lambda line: (line[0], line[1], line[2], line[4]))
    return out
