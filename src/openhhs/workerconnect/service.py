"""Person-level views shared by the API and the portal; each one passes through `access.enforce`.

Every function here that returns person data builds the raw payload, hands it to
`openhhs.access.enforce` (called through the module, so the route test can count the calls),
and returns only what came back. Unknown person and "nothing shared with you" look the same
(404), so ids cannot be probed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from openhhs import access
from openhhs.access import Principal
from openhhs.access.agreement import item_categories
from openhhs.access.enforce import EVENT_ELEMENTS
from openhhs.access.facts import consent_reads, consents_from_reads, facts_for_records
from openhhs.access.pdp import PersonFacts
from openhhs.access.persons import uses_cci_resolver
from openhhs.access.vocab import CONSENT_CATEGORIES
from openhhs.db.columns import fetch_together
from openhhs.errors import NotFound
from openhhs.model import Enrollment, Program
from openhhs.model.codes import EnrollmentStatus, SensitiveCategory
from openhhs.workerconnect import snapshot as snap
from openhhs.workerconnect.retry import retry_when_locked
from openhhs.workerconnect.search import SearchCriteria, search

NOT_FOUND = "No such person, or nothing about them is shared with you."


_PINNED = "openhhs.wc.pinned"


@cache
def _id_status() -> Select[str, str]:
    """An Enterprise ID's status (built on first use: the index is imported lazily)."""
    from openhhs.cci.models import EnterpriseId

    return select(EnterpriseId.id, EnterpriseId.status).where(EnterpriseId.id == bindparam("eid"))


def resolve_person(session: Session, person_id: str) -> str:
    """The surviving Enterprise ID of `person_id`; NotFound when unknown."""
    from openhhs.cci import registry
    from openhhs.cci.models import EnterpriseId

    _check_id(person_id)
    # The index resolves the id again (aliases, access facts); the session's identity map
    # keeps a row only while something references it, so the view holds it for the request.
    pinned = session.info.setdefault(_PINNED, [])
    pinned.append(session.get(EnterpriseId, person_id))
    try:
        eid = registry.resolve(session, person_id)
    except NotFound:
        raise NotFound(NOT_FOUND) from None
    if eid != person_id:
        pinned.append(session.get(EnterpriseId, eid))
    return eid


def golden_person(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The golden demographics keyed by catalogue element (minimum necessary: SSN last 4 only)."""
    f = fields
    name = snap.display_name(
        *(str(f[k]) for k in ("first_name", "middle_name", "last_name", "suffix") if f.get(k))
    )
    ssn = f.get("ssn")
    return {
        "name": name,
        "dob": f.get("dob"),
        "sex": f.get("sex"),
        "gender_identity": f.get("gender_identity"),
        "ssn_last4": str(ssn)[-4:] if ssn else None,
        "language": f.get("primary_language"),
    }


@dataclass
class SnapshotView:
    body: dict[str, Any]
    sensitive: list[dict[str, Any]]  # categories the caller may open after confirming purpose


def _is_sensitive(item: Mapping[str, Any], element: str) -> frozenset[SensitiveCategory]:
    cats = item_categories(element, item.get("agency"))
    for c in item.get("categories") or ():
        try:
            cats |= {SensitiveCategory(c)}
        except ValueError:
            continue
    return frozenset(c for c in cats if c in CONSENT_CATEGORIES)


def _element(section: str, item: Mapping[str, Any]) -> str:
    if section == "enrollments":
        return "enrollment.program"
    if section == "documents":
        return f"document.{item.get('doc_type')}"
    return EVENT_ELEMENTS.get(str(item.get("type")), "event.unknown")


def split_sensitive(
    payload: dict[str, Any],
) -> tuple[dict[str, Any], dict[SensitiveCategory, dict[str, list[Any]]]]:
    """Move items of consent-protected categories out of the payload, grouped by category."""
    held: dict[SensitiveCategory, dict[str, list[Any]]] = {}
    for section in ("enrollments", "events", "alerts", "documents"):
        keep = []
        for item in payload.get(section, []):
            cats = _is_sensitive(item, _element(section, item))
            if cats:
                cat = sorted(cats)[0]
                held.setdefault(cat, {}).setdefault(section, []).append(item)
            else:
                keep.append(item)
        payload[section] = keep
    return payload, held


def build_payload(
    session: Session, principal: Principal, person_id: str
) -> tuple[str, dict[str, Any]]:
    eid, payload, _facts = build_payload_and_facts(session, principal, person_id)
    return eid, payload


def build_payload_and_facts(
    session: Session, principal: Principal, person_id: str, *, at: dt.datetime | None = None
) -> tuple[str, dict[str, Any], PersonFacts | None]:
    """The raw payload and, when the index resolves persons, the decision point's facts about
    them from the records just read (`facts_for_records`; else None and `enforce` reads them).

    Everything is read in one round trip (`fetch_together`): the Enterprise ID's own row, the
    linked records (they serve the golden record and the sections' owners), the steward's
    overrides, the consents' reads and the sections. On PostgreSQL these were 12 round trips.
    The reads assume `person_id` is an active ID; for an alias (a merged ID: rare) they are
    made again for the survivor.
    """
    from openhhs.cci import golden
    from openhhs.cci.models import EID_STATUS_MERGED

    at = at or dt.datetime.now(dt.UTC)
    _check_id(person_id)
    with_facts = uses_cci_resolver()
    eid = person_id
    rows = _read_person(session, eid, with_facts)
    if not rows.id_status:
        raise NotFound(NOT_FOUND)
    if rows.id_status[0].status == EID_STATUS_MERGED:
        eid = resolve_person(session, person_id)
        rows = _read_person(session, eid, with_facts)
    live = [r for r in rows.members if not r.is_deleted]
    record = golden.golden_of(eid, live, rows.overrides, golden.default_survivorship())
    person = golden_person(record.fields)
    owners = {r.id: r.agency_id for r in live}
    got = snap.assemble(eid, owners, person, rows.sections, caller_agency=principal.agency, now=at)
    facts = None
    if rows.consents is not None:
        aliases, consents = rows.consents
        facts = facts_for_records(
            eid,
            got.owners,
            got.enrollment_rows,
            consents_from_reads(session, eid, aliases, consents, at=at),
            at=at,
        )
    return eid, got.payload, facts


def _check_id(person_id: str) -> None:
    if not person_id or len(person_id) > 64:
        raise NotFound(NOT_FOUND)


@dataclass(frozen=True)
class _PersonRows:
    """The rows `build_payload_and_facts` works from, read in one round trip."""

    id_status: list[Any]
    members: list[Any]
    overrides: list[Any]
    consents: list[list[Any]] | None  # (alias rows, consent rows); None without the index
    sections: list[list[Any]]


def _read_person(session: Session, eid: str, with_facts: bool) -> _PersonRows:
    from openhhs.cci import golden

    consent = consent_reads(eid) if with_facts else []
    id_status, members, overrides, *rest = fetch_together(
        session,
        [
            (_id_status(), {"eid": eid}),
            golden.member_records_read(eid),
            golden.overrides_read(eid),
            *consent,
            *snap.section_reads(eid),
        ],
    )
    return _PersonRows(
        id_status,
        members,
        overrides,
        rest[: len(consent)] if with_facts else None,
        rest[len(consent) :],
    )


def _finish(enforced: access.Enforced, purpose: str) -> dict[str, Any]:
    body = dict(enforced.payload)
    body["purpose"] = purpose
    body["served_by"] = snap.served_by(body)
    body["timeline"] = snap.timeline(body)
    body["redactions"] = dict(sorted(enforced.denied.items()))
    return body


@retry_when_locked
def snapshot_view(
    session: Session,
    principal: Principal,
    purpose: str,
    person_id: str,
    *,
    request_id: str | None = None,
    hold_sensitive: bool = False,
) -> SnapshotView:
    """The enforced snapshot. With `hold_sensitive`, protected categories wait for a confirmation.

    Held items are not returned (nor audited as returned); the caller is told which categories
    it could open, decided without disclosure by the same decision point.
    """
    at = dt.datetime.now(dt.UTC)
    eid, payload, facts = build_payload_and_facts(session, principal, person_id, at=at)
    held: dict[SensitiveCategory, dict[str, list[Any]]] = {}
    if hold_sensitive:
        payload, held = split_sensitive(payload)
    enforced = access.enforce(
        principal,
        purpose,
        eid,
        payload,
        session=session,
        at=at,
        request_id=request_id,
        facts=facts,
    )
    if not enforced.returned:
        raise NotFound(NOT_FOUND)
    openable = []
    if held:
        for cat, sections in sorted(held.items()):
            if _any_allowed(session, principal, purpose, eid, sections):
                openable.append(
                    {"category": cat.value, "law": CONSENT_CATEGORIES[cat], "label": _label(cat)}
                )
    return SnapshotView(_finish(enforced, purpose), openable)


def _label(cat: SensitiveCategory) -> str:
    return cat.value.replace("_", " ").capitalize()


def _any_allowed(
    session: Session,
    principal: Principal,
    purpose: str,
    eid: str,
    sections: Mapping[str, list[Any]],
) -> bool:
    ctx = access.DecisionContext(session=session)
    for section, items in sections.items():
        for item in items:
            ctx.provider = item.get("agency")
            ctx.categories = frozenset(SensitiveCategory(c) for c in item.get("categories") or ())
            ctx.document_id = str(item["id"]) if section == "documents" else None
            if access.decide(principal, purpose, eid, _element(section, item), ctx=ctx).allow:
                return True
    return False


@retry_when_locked
def sensitive_view(
    session: Session,
    principal: Principal,
    purpose: str,
    person_id: str,
    category: str,
    *,
    request_id: str | None = None,
) -> list[Any]:
    """The items of one protected category, after the worker confirmed the purpose."""
    try:
        cat = SensitiveCategory(category)
    except ValueError:
        raise NotFound("No such category.") from None
    at = dt.datetime.now(dt.UTC)
    eid, payload, facts = build_payload_and_facts(session, principal, person_id, at=at)
    _rest, held = split_sensitive(payload)
    sections = held.get(cat, {})
    sub = {"person_id": eid, **{k: v for k, v in sections.items() if k != "alerts"}}
    enforced = access.enforce(
        principal,
        purpose,
        eid,
        sub,
        session=session,
        at=at,
        request_id=request_id,
        action="person:read_sensitive",
        facts=facts,
    )
    items: list[Any] = []
    for section in ("enrollments", "events", "documents"):
        items.extend(enforced.payload.get(section, []))
    return items


@retry_when_locked
def search_view(
    session: Session,
    principal: Principal,
    purpose: str,
    criteria: SearchCriteria,
    *,
    page: int = 1,
    page_size: int = 10,
    request_id: str | None = None,
) -> dict[str, Any]:
    """Ranked results; each shown name and date of birth passes through `enforce`.

    A person of whom neither is shared with the caller is left out: a result with nothing
    visible would still disclose that the person is known to some agency.
    """
    found = search(session, criteria, principal.agency, page=page, page_size=page_size)
    items = []
    for hit in found.hits:
        best = hit.best  # the stored name and DOB of the best record, read by the search
        dob = best.dob if best else None
        person = {
            "name": snap.display_name(best.first, best.last) if best else None,
            "dob": dob.isoformat() if dob else None,
        }
        items.append((hit.enterprise_id, {"person_id": hit.enterprise_id, "person": person}))
    # one policy read and one audit transaction for the page; every person still enforced
    enforced_page = access.enforce_many(
        principal,
        purpose,
        items,
        session=session,
        request_id=request_id,
        action="person:search",
    )
    results = []
    for hit, enforced in zip(found.hits, enforced_page, strict=True):
        if not enforced.returned:
            continue
        results.append(
            {
                "enterprise_id": hit.enterprise_id,
                "score": hit.score,
                "matched": hit.matched,
                "person": enforced.payload.get("person", {}),
            }
        )
    return {
        "results": results,
        "total": found.total,
        "page": found.page,
        "page_size": found.page_size,
    }


@retry_when_locked
def caseload_view(
    session: Session,
    principal: Principal,
    purpose: str,
    *,
    limit: int = 200,
    request_id: str | None = None,
) -> list[dict[str, Any]]:
    """My agency's active clients who are also active at another agency (what I may see of it).

    "My" clients: active enrollments of my agency whose worker is me (by name or e-mail) or,
    when no enrollment names me, those of my unit's programs; each entry goes through `enforce`.
    """
    from openhhs.cci.models import Link

    today = dt.datetime.now(dt.UTC).date()
    mine = (
        select(Link.enterprise_id, Program.name)
        .join(Enrollment, Enrollment.source_person_id == Link.source_person_id)
        .join(Program, Program.id == Enrollment.program_id)
        .where(
            Enrollment.agency_id == principal.agency,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Enrollment.is_deleted.is_(False),
        )
    )
    me = [v for v in (principal.name,) if v]
    named = list(session.execute(mine.where(Enrollment.worker_name.in_(me)))) if me else []
    rows = named or list(session.execute(mine.limit(limit * 5)))
    my_programs: dict[str, set[str]] = {}
    for eid, program in rows:
        my_programs.setdefault(eid, set()).add(program)
    if not my_programs:
        return []
    others: dict[str, set[str]] = {}
    eids = sorted(my_programs)
    for i in range(0, len(eids), 900):
        chunk = eids[i : i + 900]
        q = (
            select(Link.enterprise_id, Enrollment.agency_id, Enrollment.end_date)
            .join(Enrollment, Enrollment.source_person_id == Link.source_person_id)
            .where(
                Link.enterprise_id.in_(chunk),
                Enrollment.agency_id != principal.agency,
                Enrollment.status == EnrollmentStatus.ACTIVE,
                Enrollment.is_deleted.is_(False),
            )
        )
        for eid, agency, end in session.execute(q):
            if end is None or end >= today:
                others.setdefault(eid, set()).add(agency)
    items: list[tuple[str, dict[str, Any]]] = []
    for eid in sorted(others)[:limit]:
        _eid, full = build_payload(session, principal, eid)
        active = EnrollmentStatus.ACTIVE.value
        payload: dict[str, Any] = {
            "person_id": eid,
            "person": {"name": full["person"].get("name")},
            "enrollments": [
                {k: e[k] for k in ("agency", "id", "categories", "program", "status")}
                for e in full["enrollments"]
                if e["status"] == active
            ],
        }
        items.append((eid, payload))
    entries = []
    enforced_page = access.enforce_many(
        principal,
        purpose,
        items,
        session=session,
        request_id=request_id,
        action="person:caseload",
    )
    for (eid, _payload), enforced in zip(items, enforced_page, strict=True):
        other = [a for a in snap.served_by(enforced.payload) if a != principal.agency]
        if not other:
            continue  # the other involvement is not shared with me: say nothing about it
        entries.append(
            {
                "enterprise_id": eid,
                "person": enforced.payload.get("person", {}),
                "my_programs": sorted(my_programs[eid]),
                "other_agencies": other,
            }
        )
    return entries
