"""Audit API (mounted under /api/v1 by the web app): verify the chain, per-person access
history, and FHIR AuditEvent pages. Only auditors and privacy officers, for the `audit`
purpose; reading the audit log is itself audited.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.access.deps import PurposeDep, access_db, require_role
from openhhs.access.principal import Principal
from openhhs.access.vocab import Purpose, Role
from openhhs.audit.fhir import to_fhir_audit_event
from openhhs.audit.models import AuditEntry
from openhhs.audit.schemas import AuditEntryOut, FhirBundleOut, VerifyOut
from openhhs.audit.service import person_history, record, verify
from openhhs.errors import Forbidden

router = APIRouter(prefix="/audit", tags=["audit"])
Db = Annotated[Session, Depends(access_db)]
_overseers = require_role(Role.AUDITOR, Role.PRIVACY_OFFICER)
Overseer = Annotated[Principal, Depends(_overseers)]


def _audit_purpose(purpose: Purpose) -> None:
    if purpose != Purpose.AUDIT:
        raise Forbidden("the audit log is read only for the purpose 'audit'")


def _request_id(request: Request) -> str | None:
    value = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else None


@router.get("/verify", response_model=VerifyOut, summary="Check the whole hash chain")
def verify_chain(request: Request, principal: Overseer) -> VerifyOut:
    result = verify(request.app.state.engine)
    return VerifyOut(
        ok=result.ok,
        entries=result.entries,
        head_seq=result.head_seq,
        head_hash=result.head_hash,
        first_bad_seq=result.first_bad_seq,
        problem=result.problem,
        reason=result.reason,
        protected=result.protected,
    )


@router.get(
    "/persons/{person_id}",
    response_model=list[AuditEntryOut],
    summary="Who accessed this person's data, when and why (newest first)",
)
def person_access_history(
    person_id: Annotated[str, Path(max_length=64)],
    request: Request,
    principal: Overseer,
    purpose: PurposeDep,
    db: Db,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AuditEntryOut]:
    _audit_purpose(purpose)
    entries = [
        AuditEntryOut(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            actor_agency=e.actor_agency,
            purpose=e.purpose,
            action=str(e.action),
            outcome=str(e.outcome),
            elements=list(e.elements or []),
            agreement_id=e.agreement_id,
            request_id=e.request_id,
            reason=(e.detail or {}).get("reason"),
        )
        for e in person_history(db, person_id, limit=limit)
    ]
    record(
        db,
        actor=principal.id,
        actor_agency=principal.agency,
        action="read",
        purpose=purpose,
        person_id=person_id,
        elements=["audit.person_history"],
        request_id=_request_id(request),
        detail={"entries": len(entries)},
    )
    db.commit()
    return entries


@router.get(
    "/events",
    response_model=FhirBundleOut,
    summary="The audit log as FHIR R4 AuditEvents, in chain order, a page at a time",
)
def events(
    request: Request,
    principal: Overseer,
    purpose: PurposeDep,
    db: Db,
    after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> FhirBundleOut:
    _audit_purpose(purpose)
    rows = list(
        db.scalars(
            select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(limit)
        )
    )
    bundle = FhirBundleOut(
        entry=[{"resource": to_fhir_audit_event(e)} for e in rows],
        next_after=rows[-1].seq if len(rows) == limit else None,
    )
    record(
        db,
        actor=principal.id,
        actor_agency=principal.agency,
        action="export",
        purpose=purpose,
        elements=["audit.events"],
        request_id=_request_id(request),
        detail={"after": after, "count": len(rows)},
    )
    db.commit()
    return bundle
