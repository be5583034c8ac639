"""The one-screen client snapshot: gather a person's data across agencies, then enforce it.

`section_reads` are the reads of everything the index links to one Enterprise ID, and
`assemble` turns their rows into the payload shape that `openhhs.access.enforce` understands
(person, household, enrollments, events, alerts, documents); nothing here decides visibility.
`served_by` and `timeline` are computed from the *enforced* payload only, so a count or a
date never leaks what a redaction hides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select

from openhhs.cci.models import Link
from openhhs.cci.registry import live_member_ids
from openhhs.db.columns import Read
from openhhs.model import (
    Document,
    Enrollment,
    Event,
    Household,
    HouseholdMember,
    PersonAddress,
    PersonPhone,
    Program,
    SourcePerson,
)
from openhhs.model.codes import EnrollmentStatus, EventType

# Events that are worth a banner: what another agency's worker should act on now.
ALERT_TYPES = frozenset(
    {
        EventType.SHELTER_ENTRY,
        EventType.JAIL_BOOKING,
        EventType.JAIL_RELEASE,
        EventType.CASE_CLOSING,
        EventType.HOSPITAL_DISCHARGE,
        EventType.PLACEMENT,
        EventType.DEATH,
    }
)
ALERT_WINDOW_DAYS = 90


def display_name(*parts: str | None) -> str | None:
    """A name as people read it: "MARIA DE LA CRUZ-O'NEIL" -> "Maria De La Cruz-O'Neil".

    Ingest stores names standardized in capitals (what matching compares); only those are
    re-cased for display, a name stored in mixed case is shown as it was given.
    """
    text = " ".join(p for p in parts if p)
    if not text:
        return None
    return text.title() if text.isupper() else text


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# The sections' statements, built once. Building a select per request cost more than running
# it: constructing the expression, its cache key and matching the cached compilation's result
# columns took ~0.2 ms of Python per query, the query itself ~0.05 ms on SQLite. Each selects
# by the person's live linked records (`_LIVE`), not by a list of ids read first, so all of
# them go to the database in one round trip with the golden record's read.
_LIVE = live_member_ids(Link.enterprise_id == bindparam("eid"))
_ADDRESSES = (
    select(
        PersonAddress.source_person_id,
        PersonAddress.street,
        PersonAddress.unit,
        PersonAddress.city,
        PersonAddress.state,
        PersonAddress.zip5,
        PersonAddress.borough,
        PersonAddress.kind,
        PersonAddress.valid_from,
        PersonAddress.valid_to,
    )
    .where(PersonAddress.source_person_id.in_(_LIVE))
    .order_by(PersonAddress.id)
)
_PHONES = (
    select(PersonPhone.source_person_id, PersonPhone.e164, PersonPhone.kind)
    .where(PersonPhone.source_person_id.in_(_LIVE))
    .order_by(PersonPhone.id)
)
_HOUSEHOLDS = (
    select(HouseholdMember.source_person_id, Household.id, Household.agency_id, Household.living)
    .join(HouseholdMember, HouseholdMember.household_id == Household.id)
    .where(HouseholdMember.source_person_id.in_(_LIVE), Household.is_deleted.is_(False))
    .order_by(Household.updated_at.desc(), Household.id)
)
# the members of every household of the person (one or two, mostly): `_household` keeps those
# of the household it shows
_MEMBERS = (
    select(
        HouseholdMember.household_id,
        HouseholdMember.source_person_id,
        HouseholdMember.relationship_to_head,
        SourcePerson.first_name,
        SourcePerson.last_name,
        SourcePerson.dob,
        Link.enterprise_id,
    )
    .join(SourcePerson, SourcePerson.id == HouseholdMember.source_person_id)
    .outerjoin(Link, Link.source_person_id == HouseholdMember.source_person_id)
    .where(
        HouseholdMember.household_id.in_(
            select(HouseholdMember.household_id).where(HouseholdMember.source_person_id.in_(_LIVE))
        )
    )
)
_ENROLLMENTS = (
    select(
        Enrollment.source_person_id,
        Enrollment.id,
        Enrollment.agency_id,
        Enrollment.status,
        Enrollment.start_date,
        Enrollment.end_date,
        Enrollment.case_number,
        Enrollment.worker_name,
        Enrollment.worker_phone,
        Enrollment.worker_email,
        Enrollment.worker_office,
        Program.id,
        Program.name,
        Program.area,
        Program.sensitive_category,
    )
    .join(Program, Program.id == Enrollment.program_id)
    .where(Enrollment.source_person_id.in_(_LIVE), Enrollment.is_deleted.is_(False))
    .order_by(Enrollment.start_date.desc().nulls_last(), Enrollment.id)
)
_EVENTS = (
    select(
        Event.source_person_id, Event.agency_id, Event.id, Event.type, Event.occurred_at, Event.site
    )
    .where(Event.source_person_id.in_(_LIVE), Event.is_deleted.is_(False))
    .order_by(Event.occurred_at.desc(), Event.id)
    .limit(500)
)
_DOCUMENTS = (
    select(
        Document.source_person_id,
        Document.agency_id,
        Document.id,
        Document.sensitive_category,
        Document.doc_type,
        Document.title,
        Document.issuer,
        Document.issued_on,
        Document.expires_on,
        Document.location_uri,
    )
    .where(Document.source_person_id.in_(_LIVE), Document.is_deleted.is_(False))
    .order_by(Document.id)
)


_SECTIONS = (_ADDRESSES, _PHONES, _HOUSEHOLDS, _MEMBERS, _ENROLLMENTS, _EVENTS, _DOCUMENTS)


def section_reads(enterprise_id: str) -> list[Read]:
    """The snapshot's section reads, for `db.columns.fetch_together` with the caller's others;
    `assemble` takes their rows in this order."""
    params = {"eid": enterprise_id}
    return [(statement, params) for statement in _SECTIONS]


@dataclass
class Gathered:
    """The raw payload, and what the decision point's facts need that was read on the way."""

    payload: dict[str, Any]
    owners: dict[int, str]  # live source record id -> owning agency
    enrollment_rows: list[tuple[int, str, EnrollmentStatus, bool, dt.date | None, dt.date | None]]


def assemble(
    enterprise_id: str,
    owners: Mapping[int, str],
    golden: Mapping[str, Any],
    section_rows: Sequence[Sequence[Any]],
    *,
    caller_agency: str,
    now: dt.datetime,
) -> Gathered:
    """Everything linked to the person, in `enforce`'s payload shape (not yet filtered), with
    the live records' agencies and the enrollments' status and dates the decision point needs.

    `owners` maps the person's live source records to their agencies (the golden record's
    read, `cci.golden.member_records_read`); `section_rows` are the rows of `section_reads`.
    A section row of a record `owners` does not hold (linked between the two reads) is left
    out, so every shown item has an owner the decision point knows. Pure: no database.
    """
    owners = dict(owners)
    addresses, phones, households, members, enrollment_rows, event_rows, document_rows = (
        section_rows
    )

    def owned(rows: Sequence[Any]) -> list[Any]:  # every section but members: record id first
        return [r for r in rows if r[0] in owners]

    person: dict[str, Any] = dict(golden)
    person["address"] = _addresses(owned(addresses), owners)
    person["phone"] = _phones(owned(phones), owners)
    enrollments, facts_rows = _enrollments(owned(enrollment_rows))
    events = _events(owned(event_rows))
    payload = {
        "person_id": enterprise_id,
        "person": person,
        "household": _household(owned(households), members, set(owners), caller_agency),
        "enrollments": enrollments,
        "events": events,
        "alerts": [
            e
            for e in events
            if e["type"] in ALERT_TYPES
            and e["occurred_at"] is not None
            and dt.datetime.fromisoformat(e["occurred_at"]) >= now - dt.timedelta(ALERT_WINDOW_DAYS)
        ],
        "documents": _documents(owned(document_rows)),
    }
    return Gathered(payload, owners, facts_rows)


def _addresses(rows: Sequence[Any], owners: Mapping[int, str]) -> list[dict[str, Any]]:
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for sp_id, street, unit, city, state, zip5, borough, kind, valid_from, valid_to in rows:
        key = (street, unit, zip5)
        if not street or key in seen:
            continue
        seen[key] = {
            "street": street,
            "unit": unit,
            "city": city,
            "state": state,
            "zip": zip5,
            "borough": borough,
            "kind": kind.value,
            "valid_from": _iso(valid_from),
            "valid_to": _iso(valid_to),
            "agency": owners[sp_id],
        }
    return sorted(seen.values(), key=lambda x: x["valid_from"] or "", reverse=True)


def _phones(rows: Sequence[Any], owners: Mapping[int, str]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for sp_id, e164, kind in rows:
        if e164 and e164 not in seen:
            seen[e164] = {"number": e164, "kind": kind.value, "agency": owners[sp_id]}
    return list(seen.values())


def _household(
    households: Sequence[Any], members: Sequence[Any], ids: set[int], caller_agency: str
) -> dict[str, Any]:
    """The household the caller's own agency records, else the most recently updated one."""
    found = list(dict.fromkeys((h_id, agency, living) for _sp, h_id, agency, living in households))
    if not found:
        return {"members": []}
    chosen = next((h for h in found if h[1] == caller_agency), found[0])
    shown = [
        {
            "enterprise_id": eid,
            "name": display_name(first, last),
            "dob": _iso(dob),
            "relationship": rel.value if rel else None,
            "self": spid in ids,
        }
        for h_id, spid, rel, first, last, dob, eid in members
        if h_id == chosen[0]
    ]
    shown.sort(key=lambda m: (not m["self"], m["name"] or ""))
    return {
        "agency": chosen[1],
        "members": shown,
        "living": chosen[2].value if chosen[2] else None,
    }


def _enrollments(
    rows: Sequence[Any],
) -> tuple[
    list[dict[str, Any]],
    list[tuple[int, str, EnrollmentStatus, bool, dt.date | None, dt.date | None]],
]:
    out = []
    facts_rows = []
    for (
        sp_id,
        eid,
        agency,
        status,
        start,
        end,
        case_number,
        w_name,
        w_phone,
        w_email,
        w_office,
        p_id,
        p_name,
        p_area,
        p_cat,
    ) in rows:
        facts_rows.append((sp_id, agency, status, False, start, end))
        out.append(
            {
                "agency": agency,
                "id": eid,
                "categories": [p_cat.value] if p_cat else [],
                "program": {"id": p_id, "name": p_name, "area": p_area.value},
                "status": status.value,
                "dates": {"start": _iso(start), "end": _iso(end)},
                "case_number": case_number,
                "worker_contact": {
                    "name": w_name,
                    "phone": w_phone,
                    "email": w_email,
                    "office": w_office,
                },
            }
        )
    return out, facts_rows


def _events(rows: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {
            "agency": agency,
            "id": ev_id,
            "type": ev_type.value,
            "occurred_at": _aware(occurred_at).isoformat(),
            "site": site,
        }
        for _sp, agency, ev_id, ev_type, occurred_at, site in rows
    ]


def _documents(rows: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {
            "agency": agency,
            "id": doc_id,
            "categories": [cat.value] if cat else [],
            "doc_type": doc_type.value,
            "title": title,
            "issuer": issuer,
            "issued_on": _iso(issued_on),
            "expires_on": _iso(expires),
            "location": location,
        }
        for _sp, agency, doc_id, cat, doc_type, title, issuer, issued_on, expires, location in rows
    ]


def is_redacted(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get("redacted") is True


def served_by(enforced: Mapping[str, Any]) -> list[str]:
    """Agencies with a visible enrollment in the *enforced* payload (what the caller may know)."""
    agencies = {
        e["agency"]
        for e in enforced.get("enrollments", [])
        if isinstance(e, Mapping) and not is_redacted(e) and isinstance(e.get("agency"), str)
    }
    return sorted(agencies)


def timeline(enforced: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Dated entries across agencies, newest first, from what survived enforcement."""
    items: list[dict[str, Any]] = []
    for e in enforced.get("enrollments", []):
        if not isinstance(e, Mapping) or is_redacted(e):
            continue
        dates, program = e.get("dates"), e.get("program")
        if not isinstance(dates, Mapping) or is_redacted(dates):
            continue
        label = program.get("name") if isinstance(program, Mapping) else None
        label = label if isinstance(label, str) else "program"
        if dates.get("start"):
            items.append({"date": dates["start"], "agency": e["agency"], "what": f"{label}: start"})
        if dates.get("end"):
            items.append({"date": dates["end"], "agency": e["agency"], "what": f"{label}: end"})
    for ev in enforced.get("events", []):
        if isinstance(ev, Mapping) and not is_redacted(ev) and ev.get("occurred_at"):
            what = str(ev.get("type", "")).replace("_", " ")
            if ev.get("site"):
                what += f" ({ev['site']})"
            date = str(ev["occurred_at"])[:10]
            items.append({"date": date, "agency": ev["agency"], "what": what})
    items.sort(key=lambda x: x["date"], reverse=True)
    return items
