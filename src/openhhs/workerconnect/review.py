"""Steward and privacy-officer views: match candidates, review queue side by side, decisions,
unmerge, and a person's access history. Record details pass through `access.enforce`, so a
steward sees of each record only what their own agreements grant (MDM operators blind to PII).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, is_dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs import access
from openhhs.access import Principal, Role
from openhhs.access._audit import emit, event_for  # the single audit entry point of access
from openhhs.errors import Forbidden, NotFound
from openhhs.model import PersonAddress, PersonPhone, SourcePerson
from openhhs.workerconnect.retry import retry_when_locked
from openhhs.workerconnect.schemas import MatchIn
from openhhs.workerconnect.snapshot import display_name


@retry_when_locked
def match_candidates(
    session: Session, principal: Principal, body: MatchIn, *, request_id: str | None
) -> dict[str, Any]:
    """Candidates for a record with the per-comparison why; ids and weights only, no PII."""
    from openhhs.cci import match

    if not principal.has_role(Role.AGENCY_SYSTEM, Role.DATA_STEWARD):
        emit(session, event_for(principal, "cci:match", "denied", reason="role"))
        session.commit()
        raise Forbidden("matching is for agency systems and data stewards")
    record = {k: v for k, v in body.model_dump().items() if k != "limit" and v is not None}
    candidates = match(session, record, limit=body.limit)
    emit(
        session,
        event_for(
            principal,
            "cci:match",
            "success",
            request_id=request_id,
            details={"candidates": len(candidates)},
        ),
    )
    session.commit()
    return {
        "candidates": [
            {
                "enterprise_id": c.enterprise_id,
                "match_probability": c.match_probability,
                "match_weight": c.match_weight,
                "breakdown": [p.as_dict() for p in c.breakdown],
            }
            for c in candidates
        ]
    }


def _record_payload(session: Session, source_person_id: int) -> dict[str, Any]:
    p = session.get(SourcePerson, source_person_id)
    if p is None:
        return {}
    addresses = session.scalars(
        select(PersonAddress).where(PersonAddress.source_person_id == p.id)
    ).all()
    phones = session.scalars(select(PersonPhone).where(PersonPhone.source_person_id == p.id)).all()
    return {
        "agency": p.agency_id,
        "source_system": p.source_system_id,
        "person": {
            # readable case, as the caseworker pages show it; the stored capitals stay as they are
            "name": display_name(p.first_name, p.middle_name, p.last_name, p.suffix),
            "dob": p.dob.isoformat() if p.dob else None,
            "sex": p.sex.value if p.sex else None,
            "ssn_last4": p.ssn_last4,
            "address": [
                " ".join(x for x in (a.street, a.unit, a.city, a.zip5) if x) for a in addresses
            ]
            or ([" ".join(x for x in (p.street, p.unit, p.city, p.zip5) if x)] if p.street else []),
            "phone": [ph.e164 for ph in phones if ph.e164] or ([p.phone] if p.phone else []),
        },
    }


def _side(
    session: Session,
    principal: Principal,
    purpose: str,
    source_person_id: int,
    enterprise_id: str | None,
    request_id: str | None,
) -> dict[str, Any]:
    raw = _record_payload(session, source_person_id)
    side: dict[str, Any] = {
        "source_person_id": source_person_id,
        "enterprise_id": enterprise_id,
        "agency": raw.get("agency"),
        "source_system": raw.get("source_system"),
    }
    if not raw or enterprise_id is None:
        side["person"] = {"name": access.redacted("record not linked to a person")}
        return side
    enforced = access.enforce(
        principal,
        purpose,
        enterprise_id,
        {"person_id": enterprise_id, "person": raw["person"]},
        session=session,
        request_id=request_id,
        action="cci:review:read",
    )
    side["person"] = enforced.payload.get("person", {})
    return side


def _pair_dict(pair: Any) -> dict[str, Any]:
    return asdict(pair) if is_dataclass(pair) and not isinstance(pair, type) else dict(pair)


@retry_when_locked
def queue_view(
    session: Session,
    principal: Principal,
    purpose: str,
    *,
    limit: int,
    offset: int,
    request_id: str | None,
) -> dict[str, Any]:
    from openhhs.cci import review

    items = []
    for pair in review.pending(session, limit=limit, offset=offset):
        d = _pair_dict(pair)
        items.append(_item(session, principal, purpose, d, request_id))
    return {"items": items, "pending": review.pending_count(session)}


def _breakdown(session: Session, left_id: int, right_id: int) -> list[dict[str, Any]]:
    """The per-comparison why of a pair queued without one (batch runs queue weights only)."""
    from openhhs.cci import active_model, index

    try:
        fa, fb = index.stored_features(session, left_id), index.stored_features(session, right_id)
        if fa is None or fb is None:
            return []
        score = active_model(session).scorer.score(fa, fb)
    except NotFound:  # no model to explain with
        return []
    return [p.as_dict() for p in score.parts]


def _item(
    session: Session,
    principal: Principal,
    purpose: str,
    d: dict[str, Any],
    request_id: str | None,
) -> dict[str, Any]:
    if not d["breakdown"]:
        d = {**d, "breakdown": _breakdown(session, d["left_id"], d["right_id"])}
    return {
        "id": d["id"],
        "match_probability": d["match_probability"],
        "match_weight": d["match_weight"],
        "reason": d["reason"],
        "origin": d["origin"],
        "status": d["status"],
        "created_at": d["created_at"],
        "breakdown": d["breakdown"],
        "left": _side(
            session, principal, purpose, d["left_id"], d["left_enterprise_id"], request_id
        ),
        "right": _side(
            session, principal, purpose, d["right_id"], d["right_enterprise_id"], request_id
        ),
    }


@retry_when_locked
def item_view(
    session: Session, principal: Principal, purpose: str, item_id: int, *, request_id: str | None
) -> dict[str, Any]:
    from openhhs.cci import review

    return _item(session, principal, purpose, _pair_dict(review.get(session, item_id)), request_id)


@retry_when_locked
def decide(
    session: Session,
    principal: Principal,
    purpose: str,
    item_id: int,
    decision: str,
    *,
    note: str | None = None,
) -> dict[str, Any]:
    """Decide an item, audit it and commit: one unit, re-run whole if SQLite's lock is lost."""
    from openhhs.cci import review

    pair = _pair_dict(review.decide(session, item_id, decision, actor=principal.id))  # type: ignore[arg-type]
    emit(
        session,
        event_for(
            principal,
            "cci:review:decided",
            "success",
            purpose=purpose,
            reason=f"item {item_id}: {decision}" + (f" ({note})" if note else ""),
        ),
    )
    session.commit()
    return {
        "id": pair["id"],
        "status": pair["status"],
        "left_enterprise_id": pair["left_enterprise_id"],
        "right_enterprise_id": pair["right_enterprise_id"],
    }


@retry_when_locked
def unmerge(
    session: Session,
    principal: Principal,
    purpose: str,
    person_id: str,
    source_person_id: int,
    reason: str | None,
) -> dict[str, Any]:
    """Unmerge, audit and commit: one unit, re-run whole if SQLite's lock is lost."""
    from openhhs.cci import registry, review

    try:
        eid = registry.resolve(session, person_id)
    except NotFound:
        raise NotFound("No such person.") from None
    if source_person_id not in registry.members(session, eid):
        raise NotFound(f"Record {source_person_id} is not part of person {eid}.")
    outcome = review.unmerge(session, source_person_id, actor=principal.id, reason=reason)
    emit(
        session,
        event_for(
            principal,
            "cci:person:unmerged",
            "success",
            purpose=purpose,
            person_id=eid,
            reason=f"record {source_person_id} -> {outcome.enterprise_id}: {reason or ''}",
        ),
    )
    session.commit()
    return {
        "person_id": eid,
        "source_person_id": source_person_id,
        "new_enterprise_id": outcome.enterprise_id,
        "decision": outcome.decision,
    }


@retry_when_locked
def access_history(
    session: Session, principal: Principal, person_id: str, *, limit: int
) -> dict[str, Any]:
    """Who read this person, when, why, under which agreement (the audit log's own view)."""
    from openhhs import audit
    from openhhs.cci import registry

    try:
        eid = registry.resolve(session, person_id)
    except NotFound:
        raise NotFound("No such person.") from None
    entries = audit.person_history(session, eid, limit=limit)
    emit(
        session,
        event_for(
            principal, "audit:person_history:read", "success", purpose="audit", person_id=eid
        ),
    )
    return {"person_id": eid, "entries": [_entry(e) for e in entries]}


_HISTORY_FIELDS = (
    "seq",
    "at",
    "actor",
    "actor_agency",
    "purpose",
    "action",
    "outcome",
    "elements",
    "agreement_id",
    "request_id",
)


def _entry(e: Any) -> dict[str, Any]:
    """One audit entry as the privacy officer reads it (chain hashes stay in the audit export)."""
    out: dict[str, Any] = {}
    for name in _HISTORY_FIELDS:
        v = getattr(e, name, None)
        if isinstance(v, dt.datetime):
            v = v.isoformat()
        elif isinstance(v, StrEnum):
            v = v.value
        out[name] = v
    return out
