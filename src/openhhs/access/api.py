"""Access API (mounted under /api/v1): who am I, which agreements exist, record consent."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from openhhs.access.consent import check_may_record, give_consent, withdraw_consent
from openhhs.access.deps import PrincipalDep, access_db, purposes_of, require_role
from openhhs.access.models import Consent
from openhhs.access.principal import Principal
from openhhs.access.schemas import AgreementOut, ConsentIn, ConsentOut, MeOut, WithdrawIn
from openhhs.access.store import current_policy
from openhhs.access.vocab import ELEMENTS, Role
from openhhs.errors import NotFound

router = APIRouter(prefix="/access", tags=["access"])
Db = Annotated[Session, Depends(access_db)]
_consent_roles = require_role(Role.PRIVACY_OFFICER, Role.CASEWORKER, Role.SUPERVISOR)


def _out(c: Consent) -> ConsentOut:
    return ConsentOut(
        id=c.id,
        person_id=c.person_id,
        status=c.status.value,
        withdraws_id=c.withdraws_id,
        recipients=list(c.recipient_agencies),
        purposes=list(c.purposes),
        categories=list(c.categories),
        elements=list(c.elements),
        effective_at=c.effective_at,
        expires_at=c.expires_at,
        method=c.method.value,
    )


@router.get("/me", response_model=MeOut, summary="The caller and the purposes it may name")
def me(principal: PrincipalDep, db: Db) -> MeOut:
    return MeOut(
        id=principal.id,
        kind=principal.kind.value,
        agency=principal.agency,
        unit=principal.unit,
        roles=sorted(principal.roles),
        purposes=[p.value for p in purposes_of(db, principal)],
    )


@router.get(
    "/agreements",
    response_model=list[AgreementOut],
    summary="Data-sharing agreements loaded, with their live approval state",
)
def agreements(principal: PrincipalDep, db: Db) -> list[AgreementOut]:
    policy = current_policy(db)
    states = {
        (g.agreement_id, g.version): g.state.value
        for grants in policy.grants_by_recipient.values()
        for g in grants
    }
    return [
        AgreementOut(
            id=s.id,
            version=s.version,
            title=s.title,
            state=states.get((s.id, s.version), s.approval.state.value),
            provider=s.provider.value,
            recipients={r.agency.value: [x.value for x in r.roles] for r in s.recipients},
            purposes=[p.value for p in s.purposes],
            elements=sorted(s.granted_elements()),
            conditions=[
                c.type.value + (f" ({', '.join(c.categories)})" if c.categories else "")
                for c in s.conditions
            ],
            valid_from=s.valid_from,
            valid_to=s.valid_to,
            legal_basis=[c.citation for c in s.legal_basis],
        )
        for s in policy.specs
    ]


@router.get("/elements", summary="The catalogue of data elements agreements can share")
def elements(principal: PrincipalDep) -> dict[str, list[str]]:
    return {name: sorted(cats) for name, cats in sorted(ELEMENTS.items())}


@router.post("/consents", response_model=ConsentOut, status_code=201, summary="Record consent")
def record_consent(
    body: ConsentIn,
    db: Db,
    principal: Annotated[Principal, Depends(_consent_roles)],
) -> ConsentOut:
    check_may_record(db, principal, body.person_id)
    row = give_consent(
        db,
        person_id=body.person_id,
        recipients=body.recipients,
        purposes=body.purposes,
        categories=body.categories,
        elements=body.elements,
        documents=body.documents,
        source_agencies=body.source_agencies,
        recorded_by=principal,
        method=body.method,
        effective_at=body.effective_at,
        expires_at=body.expires_at,
        notes=body.notes,
    )
    db.commit()
    return _out(row)


@router.post(
    "/consents/{consent_id}/withdraw",
    response_model=ConsentOut,
    status_code=201,
    summary="Withdraw a consent (a new row; effective on the next request)",
)
def withdraw(
    consent_id: int,
    body: WithdrawIn,
    db: Db,
    principal: Annotated[Principal, Depends(_consent_roles)],
) -> ConsentOut:
    given = db.get(Consent, consent_id)
    if given is None:
        raise NotFound(f"no consent {consent_id}")
    check_may_record(db, principal, given.person_id)
    row = withdraw_consent(
        db, consent_id, recorded_by=principal, method=body.method, notes=body.notes
    )
    db.commit()
    return _out(row)
