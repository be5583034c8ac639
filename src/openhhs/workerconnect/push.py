"""The agency push API's service: upsert/delete by (source system, source id), linked at once.

Persons go through ingest's `upsert_person` (the same standardization as file loads) and then
the Common Client Index's real-time `upsert`, so the answer carries the match outcome and the
(informational) Enterprise ID. Enrollments and events are keyed the same way. A system may push
only into source systems of its own agency: anything else is `Forbidden` and audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from openhhs.access import AuthMethod, Principal, Role
from openhhs.access._audit import emit, event_for  # the single audit entry point of access
from openhhs.access.models import ServiceAccount
from openhhs.errors import Forbidden, InvalidInput, NotFound
from openhhs.model import Enrollment, Event, Program, SourcePerson, SourceSystem
from openhhs.workerconnect.schemas import (
    BatchIn,
    PushEnrollment,
    PushEvent,
    PushPerson,
    PushResult,
)


def canonical_hash(payload: Any) -> str:
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _service_account_id(principal: Principal) -> int | None:
    if principal.auth is not AuthMethod.SERVICE_TOKEN:
        return None
    return int(principal.id.removeprefix("svc:"))  # access.accounts.service_principal's id


def token_used_at(session: Session, principal: Principal) -> dt.datetime | None:
    """When authentication marked this request's service token used (None: not a token).

    Read from the session's identity map, no SQL: authentication loaded the account and set
    `last_used_at` on it, in the transaction the push then runs in.
    """
    account_id = _service_account_id(principal)
    if account_id is None:
        return None
    account = session.identity_map.get(identity_key(ServiceAccount, account_id))
    return account.last_used_at if isinstance(account, ServiceAccount) else None


def keep_token_use(session: Session, principal: Principal, used_at: dt.datetime | None) -> None:
    """Set the token's `last_used_at` again at the start of a push's unit of work.

    A unit re-run after SQLite's lock was lost starts from a rollback, which dropped the mark
    authentication made. On the first run the account still holds that value in the identity
    map, and setting it again adds no statement.
    """
    account_id = _service_account_id(principal)
    if account_id is None or used_at is None:
        return
    account = session.get(ServiceAccount, account_id)
    if account is not None:
        account.last_used_at = used_at


def audit_denial(session: Session, principal: Principal, action: str, reason: str) -> None:
    """Record a refused write; committed at once so the error response cannot roll it back."""
    emit(session, event_for(principal, action, "denied", reason=reason))
    session.commit()


def source_system_for(session: Session, principal: Principal, source_system: str) -> SourceSystem:
    """The source system, if the caller may write into it (its agency's system account)."""
    if not (principal.is_service or principal.has_role(Role.AGENCY_SYSTEM)):
        audit_denial(session, principal, "push:write", f"{source_system}: not an agency system")
        raise Forbidden("Only agency system accounts may push records.")
    system = session.get(SourceSystem, source_system)
    bound = principal.unit if principal.is_service else None  # a token bound to one system
    if system is None or system.agency_id != principal.agency or (bound and bound != system.id):
        # Same answer for "unknown" and "another agency's": no probing of other systems' names.
        audit_denial(
            session,
            principal,
            "push:write",
            f"{source_system}: not a source system of {principal.agency}",
        )
        raise Forbidden(f"You may push only into {principal.agency}'s own source systems.")
    return system


def _builtin_system(session: Session, source_system: str) -> SourceSystem | None:
    """A source system ingest knows from its shipped mappings but nobody has loaded yet."""
    from openhhs.ingest import builtin_specs

    spec = builtin_specs().get(source_system)
    if spec is None:
        return None
    return SourceSystem(id=spec.source_system, agency_id=spec.agency.value, name=spec.name)


def upsert_person(
    session: Session, system: SourceSystem, source_id: str, body: PushPerson
) -> PushResult:
    from openhhs.cci import upsert as cci_upsert
    from openhhs.ingest import upsert_person as ingest_upsert

    if body.source_system not in (None, system.id) or body.source_id not in (None, source_id):
        raise InvalidInput("source_system/source_id in the body disagree with the path.")
    person_in = body.model_copy(update={"source_system": system.id, "source_id": source_id})
    stored = ingest_upsert(session, person_in)
    outcome = cci_upsert(session, stored.id)
    return PushResult(
        kind="person",
        source_system=system.id,
        source_id=source_id,
        outcome=stored.outcome,
        match_outcome=outcome.decision,
        enterprise_id=outcome.enterprise_id,
        flags=stored.flags,
    )


def delete_person(session: Session, system: SourceSystem, source_id: str) -> PushResult:
    from openhhs.ingest import delete_person as ingest_delete

    existing = _person(session, system.id, source_id)
    if existing.is_deleted:
        return PushResult(
            kind="person", source_system=system.id, source_id=source_id, outcome="unchanged"
        )
    ingest_delete(session, system.id, source_id)
    from openhhs.cci import upsert as cci_upsert

    cci_upsert(session, existing.id)  # a tombstone leaves the index and its Enterprise ID
    return PushResult(
        kind="person", source_system=system.id, source_id=source_id, outcome="tombstoned"
    )


def _person(session: Session, system_id: str, source_id: str) -> SourcePerson:
    row = session.scalar(
        select(SourcePerson).where(
            SourcePerson.source_system_id == system_id, SourcePerson.source_id == source_id
        )
    )
    if row is None:
        raise NotFound(f"No person {source_id!r} in {system_id}.")
    return row


def _live_person(session: Session, system_id: str, source_id: str) -> SourcePerson:
    row = _person(session, system_id, source_id)
    if row.is_deleted:
        raise InvalidInput(f"Person {source_id!r} in {system_id} was deleted.")
    return row


def upsert_enrollment(
    session: Session, system: SourceSystem, source_id: str, body: PushEnrollment
) -> PushResult:
    person = _live_person(session, system.id, body.person_source_id)
    program = session.get(Program, body.program_id)
    if program is None or program.agency_id != system.agency_id:
        raise InvalidInput(
            f"Unknown program {body.program_id!r} for {system.agency_id}.",
            details={"field": "program_id"},
        )
    raw = body.model_dump(mode="json")
    values = {
        "source_person_id": person.id,
        "program_id": program.id,
        "status": body.status,
        "start_date": body.start_date,
        "end_date": body.end_date,
        "case_number": body.case_number,
        "worker_name": body.worker_name,
        "worker_phone": body.worker_phone,
        "worker_email": body.worker_email,
        "worker_office": body.worker_office,
    }
    outcome = _write(session, Enrollment, system, source_id, raw, values)
    return PushResult(
        kind="enrollment", source_system=system.id, source_id=source_id, outcome=outcome
    )


def upsert_event(
    session: Session, system: SourceSystem, source_id: str, body: PushEvent
) -> PushResult:
    person = _live_person(session, system.id, body.person_source_id)
    enrollment_id = None
    if body.enrollment_source_id:
        enrollment_id = session.scalar(
            select(Enrollment.id).where(
                Enrollment.source_system_id == system.id,
                Enrollment.source_id == body.enrollment_source_id,
            )
        )
        if enrollment_id is None:
            raise InvalidInput(
                f"Unknown enrollment {body.enrollment_source_id!r} in {system.id}.",
                details={"field": "enrollment_source_id"},
            )
    occurred = body.occurred_at
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=dt.UTC)
    raw = body.model_dump(mode="json")
    values = {
        "source_person_id": person.id,
        "enrollment_id": enrollment_id,
        "type": body.type,
        "occurred_at": occurred,
        "site": body.site,
        "details": body.details,
    }
    outcome = _write(session, Event, system, source_id, raw, values)
    return PushResult(kind="event", source_system=system.id, source_id=source_id, outcome=outcome)


def _write(
    session: Session,
    model: Any,
    system: SourceSystem,
    source_id: str,
    raw: dict[str, Any],
    values: dict[str, Any],
) -> str:
    digest = canonical_hash(raw)
    row = session.scalar(
        select(model).where(model.source_system_id == system.id, model.source_id == source_id)
    )
    if row is None:
        session.add(
            model(
                source_system_id=system.id,
                agency_id=system.agency_id,
                source_id=source_id,
                raw=raw,
                record_hash=digest,
                **values,
            )
        )
        session.flush()
        return "inserted"
    if row.record_hash == digest and not row.is_deleted:
        return "unchanged"
    restored = row.is_deleted
    for key, value in values.items():
        setattr(row, key, value)
    row.raw, row.record_hash = raw, digest
    row.is_deleted, row.deleted_at = False, None
    session.flush()
    return "restored" if restored else "updated"


def delete_item(session: Session, model: Any, system: SourceSystem, source_id: str) -> PushResult:
    kind: Literal["enrollment", "event"] = "enrollment" if model is Enrollment else "event"
    row = session.scalar(
        select(model).where(model.source_system_id == system.id, model.source_id == source_id)
    )
    if row is None:
        raise NotFound(f"No {kind} {source_id!r} in {system.id}.")
    outcome = "unchanged"
    if not row.is_deleted:
        row.is_deleted, row.deleted_at = True, dt.datetime.now(dt.UTC)
        outcome = "tombstoned"
        session.flush()
    return PushResult(kind=kind, source_system=system.id, source_id=source_id, outcome=outcome)


def apply_batch(session: Session, system: SourceSystem, batch: BatchIn) -> list[PushResult]:
    """All operations in one transaction, in order; the first failure aborts the whole batch."""
    results = []
    for i, op in enumerate(batch.operations):
        try:
            results.append(_apply(session, system, op.op, op.source_id, op))
        except (InvalidInput, NotFound) as exc:
            raise InvalidInput(
                f"Operation {i} ({op.op} {op.source_id}) failed: {exc.message} "
                "Nothing in this batch was applied.",
                details={"index": i, "op": op.op, "source_id": op.source_id, "error": exc.code},
            ) from exc
    return results


def _apply(
    session: Session, system: SourceSystem, kind: str, source_id: str, op: Any
) -> PushResult:
    if kind == "upsert_person":
        return upsert_person(session, system, source_id, op.person)
    if kind == "delete_person":
        return delete_person(session, system, source_id)
    if kind == "upsert_enrollment":
        return upsert_enrollment(session, system, source_id, op.enrollment)
    if kind == "delete_enrollment":
        return delete_item(session, Enrollment, system, source_id)
    if kind == "upsert_event":
        return upsert_event(session, system, source_id, op.event)
    return delete_item(session, Event, system, source_id)
