"""Resident consent: give and withdraw. Rows are never changed; withdrawal is a new row.

A withdrawal takes effect on the next decision, because `load_facts` reads consents per request
and nothing caches them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.access._audit import emit, event_for
from openhhs.access.models import Consent, ConsentMethod, ConsentStatus
from openhhs.access.principal import Principal
from openhhs.access.vocab import Purpose, expand_pattern
from openhhs.errors import Conflict, Forbidden, InvalidInput, NotFound
from openhhs.model.codes import Agency, SensitiveCategory


def _checked(values: Sequence[str], kind: type, label: str) -> list[str]:
    out = []
    for v in values:
        try:
            out.append(kind(v).value)
        except ValueError:
            raise InvalidInput(f"unknown {label} {v!r}") from None
    return sorted(set(out))


def give_consent(
    session: Session,
    *,
    person_id: str,
    recipients: Sequence[str],
    purposes: Sequence[str],
    recorded_by: Principal,
    method: str,
    categories: Sequence[str] = (),
    elements: Sequence[str] = (),
    documents: Sequence[str] = (),
    source_agencies: Sequence[str] = (),
    effective_at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
    notes: str | None = None,
) -> Consent:
    """Record a consent; it must name recipients, purposes and at least one scope."""
    if not person_id or len(person_id) > 64:
        raise InvalidInput("person_id has 1 to 64 characters")
    if not recipients or not purposes:
        raise InvalidInput("a consent names at least one recipient agency and one purpose")
    if not (categories or elements or documents):
        raise InvalidInput("a consent covers at least one category, element or document")
    for e in elements:
        if not expand_pattern(e):
            raise InvalidInput(f"element {e!r} names nothing in the catalogue")
    try:
        method_v = ConsentMethod(method)
    except ValueError:
        raise InvalidInput(f"unknown consent method {method!r}") from None
    effective_at = effective_at or dt.datetime.now(dt.UTC)
    if expires_at is not None and expires_at <= effective_at:
        raise InvalidInput("a consent must expire after it takes effect")
    row = Consent(
        person_id=person_id,
        status=ConsentStatus.GIVEN,
        categories=_checked(categories, SensitiveCategory, "category"),
        elements=sorted(set(elements)),
        documents=sorted({str(d)[:64] for d in documents}),
        recipient_agencies=_checked(recipients, Agency, "agency"),
        purposes=_checked(purposes, Purpose, "purpose"),
        source_agencies=_checked(source_agencies, Agency, "agency"),
        effective_at=effective_at,
        expires_at=expires_at,
        recorded_by=recorded_by.id,
        method=method_v,
        notes=(notes or None) and notes[:2000],
    )
    session.add(row)
    session.flush()
    emit(
        session,
        event_for(
            recorded_by,
            "consent:given",
            "success",
            person_id=person_id,
            details={"consent_id": row.id},
        ),
    )
    return row


def withdraw_consent(
    session: Session,
    consent_id: int,
    *,
    recorded_by: Principal,
    method: str,
    at: dt.datetime | None = None,
    notes: str | None = None,
) -> Consent:
    """Append a withdrawal row for a given consent; effective on the next decision."""
    given = session.get(Consent, consent_id)
    if given is None or given.status is not ConsentStatus.GIVEN:
        raise NotFound(f"no given consent {consent_id}")
    already = session.scalar(select(Consent.id).where(Consent.withdraws_id == consent_id))
    if already is not None:
        raise Conflict(f"consent {consent_id} is already withdrawn")
    try:
        method_v = ConsentMethod(method)
    except ValueError:
        raise InvalidInput(f"unknown consent method {method!r}") from None
    row = Consent(
        person_id=given.person_id,
        status=ConsentStatus.WITHDRAWN,
        withdraws_id=given.id,
        categories=list(given.categories),
        elements=list(given.elements),
        documents=list(given.documents),
        recipient_agencies=list(given.recipient_agencies),
        purposes=list(given.purposes),
        source_agencies=list(given.source_agencies),
        effective_at=at or dt.datetime.now(dt.UTC),
        expires_at=None,
        recorded_by=recorded_by.id,
        method=method_v,
        notes=(notes or None) and notes[:2000],
    )
    session.add(row)
    session.flush()
    emit(
        session,
        event_for(
            recorded_by,
            "consent:withdrawn",
            "success",
            person_id=given.person_id,
            details={"consent_id": given.id, "withdrawal_id": row.id},
        ),
    )
    return row


def check_may_record(session: Session, principal: Principal, person_id: str) -> None:
    """Consent is recorded by the privacy office or by a worker whose agency serves the person.

    Otherwise any caseworker could record a "consent" for a stranger and so grant their own agency
    access to that stranger's protected records.
    """
    from openhhs.access.facts import load_facts
    from openhhs.access.vocab import Role

    if principal.has_role(Role.PRIVACY_OFFICER):
        return
    if principal.has_role(Role.CASEWORKER, Role.SUPERVISOR):
        facts = load_facts(session, person_id, at=dt.datetime.now(dt.UTC))
        if principal.agency in facts.active_case_agencies:
            return
    emit(
        session,
        event_for(
            principal, "consent:given", "denied", person_id=person_id, reason="no relationship"
        ),
    )
    session.commit()
    raise Forbidden("only the privacy office or a worker with an active case may record consent")


def history(session: Session, person_id: str) -> list[Consent]:
    """Every consent row of a person, oldest first (the immutable history)."""
    return list(
        session.scalars(select(Consent).where(Consent.person_id == person_id).order_by(Consent.id))
    )
