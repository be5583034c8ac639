"""The one-screen client snapshot: gather a person's data across agencies, then enforce it.

`gather` reads everything the index links to one Enterprise ID into the payload shape that
`openhhs.access.enforce` understands (person, household, enrollments, events, alerts,
documents); nothing here decides visibility. `served_by` and `timeline` are computed from the
*enforced* payload only, so a count or a date never leaks what a redaction hides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

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
from openhhs.model.codes import EventType

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


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def gather(
    session: Session,
    enterprise_id: str,
    record_ids: Sequence[int],
    golden: Mapping[str, Any],
    *,
    caller_agency: str,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Everything linked to the person, in `enforce`'s payload shape (not yet filtered)."""
    now = now or dt.datetime.now(dt.UTC)
    ids = list(record_ids)
    records = list(
        session.scalars(
            select(SourcePerson).where(SourcePerson.id.in_(ids), SourcePerson.is_deleted.is_(False))
        )
    )
    live = [r.id for r in records]
    person: dict[str, Any] = dict(golden)
    person["address"] = _addresses(session, live)
    person["phone"] = _phones(session, live)
    return {
        "person_id": enterprise_id,
        "person": person,
        "household": _household(session, live, caller_agency),
        "enrollments": _enrollments(session, live),
        "events": (events := _events(session, live)),
        "alerts": [
            e
            for e in events
            if e["type"] in ALERT_TYPES
            and e["occurred_at"] is not None
            and dt.datetime.fromisoformat(e["occurred_at"]) >= now - dt.timedelta(ALERT_WINDOW_DAYS)
        ],
        "documents": _documents(session, live),
    }


def _addresses(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(PersonAddress, SourcePerson.agency_id)
        .join(SourcePerson, SourcePerson.id == PersonAddress.source_person_id)
        .where(PersonAddress.source_person_id.in_(ids))
    )
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for a, agency in rows:
        key = (a.street, a.unit, a.zip5)
        if not a.street or key in seen:
            continue
        seen[key] = {
            "street": a.street,
            "unit": a.unit,
            "city": a.city,
            "state": a.state,
            "zip": a.zip5,
            "borough": a.borough,
            "kind": a.kind.value,
            "valid_from": _iso(a.valid_from),
            "valid_to": _iso(a.valid_to),
            "agency": agency,
        }
    return sorted(seen.values(), key=lambda x: x["valid_from"] or "", reverse=True)


def _phones(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(PersonPhone, SourcePerson.agency_id)
        .join(SourcePerson, SourcePerson.id == PersonPhone.source_person_id)
        .where(PersonPhone.source_person_id.in_(ids))
    )
    seen: dict[str, dict[str, Any]] = {}
    for p, agency in rows:
        if p.e164 and p.e164 not in seen:
            seen[p.e164] = {"number": p.e164, "kind": p.kind.value, "agency": agency}
    return list(seen.values())


def _household(session: Session, ids: list[int], caller_agency: str) -> dict[str, Any]:
    """The household the caller's own agency records, else the most recently updated one."""
    if not ids:
        return {"members": []}
    households = list(
        session.scalars(
            select(Household)
            .join(HouseholdMember, HouseholdMember.household_id == Household.id)
            .where(HouseholdMember.source_person_id.in_(ids), Household.is_deleted.is_(False))
            .order_by(Household.updated_at.desc())
        ).unique()
    )
    if not households:
        return {"members": []}
    chosen = next((h for h in households if h.agency_id == caller_agency), households[0])
    from openhhs.cci.models import Link

    rows = session.execute(
        select(
            HouseholdMember.source_person_id,
            HouseholdMember.relationship_to_head,
            SourcePerson.first_name,
            SourcePerson.last_name,
            SourcePerson.dob,
            Link.enterprise_id,
        )
        .join(SourcePerson, SourcePerson.id == HouseholdMember.source_person_id)
        .outerjoin(Link, Link.source_person_id == HouseholdMember.source_person_id)
        .where(HouseholdMember.household_id == chosen.id)
    )
    members = [
        {
            "enterprise_id": eid,
            "name": " ".join(x for x in (first, last) if x) or None,
            "dob": _iso(dob),
            "relationship": rel.value if rel else None,
            "self": spid in ids,
        }
        for spid, rel, first, last, dob, eid in rows
    ]
    members.sort(key=lambda m: (not m["self"], m["name"] or ""))
    return {
        "agency": chosen.agency_id,
        "members": members,
        "living": chosen.living.value if chosen.living else None,
    }


def _enrollments(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Enrollment, Program)
        .join(Program, Program.id == Enrollment.program_id)
        .where(Enrollment.source_person_id.in_(ids), Enrollment.is_deleted.is_(False))
        .order_by(Enrollment.start_date.desc().nulls_last(), Enrollment.id)
    )
    out = []
    for e, p in rows:
        out.append(
            {
                "agency": e.agency_id,
                "id": e.id,
                "categories": [p.sensitive_category.value] if p.sensitive_category else [],
                "program": {"id": p.id, "name": p.name, "area": p.area.value},
                "status": e.status.value,
                "dates": {"start": _iso(e.start_date), "end": _iso(e.end_date)},
                "case_number": e.case_number,
                "worker_contact": {
                    "name": e.worker_name,
                    "phone": e.worker_phone,
                    "email": e.worker_email,
                    "office": e.worker_office,
                },
            }
        )
    return out


def _events(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Event)
        .where(Event.source_person_id.in_(ids), Event.is_deleted.is_(False))
        .order_by(Event.occurred_at.desc(), Event.id)
        .limit(500)
    )
    return [
        {
            "agency": e.agency_id,
            "id": e.id,
            "type": e.type.value,
            "occurred_at": _aware(e.occurred_at).isoformat(),
            "site": e.site,
        }
        for e in rows
    ]


def _documents(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Document).where(Document.source_person_id.in_(ids), Document.is_deleted.is_(False))
    )
    return [
        {
            "agency": d.agency_id,
            "id": d.id,
            "categories": [d.sensitive_category.value] if d.sensitive_category else [],
            "doc_type": d.doc_type.value,
            "title": d.title,
            "issuer": d.issuer,
            "issued_on": _iso(d.issued_on),
            "expires_on": _iso(d.expires_on),
            "location": d.location_uri,
        }
        for d in rows
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
