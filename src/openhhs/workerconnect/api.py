"""Worker Connect REST API under /api/v1: push, match, search, snapshot, review, history.

Person-level reads go through `service` (which calls `access.enforce`); writes are limited to
agency systems (push) and data stewards (review); every route names its caller with
`current_principal` and, for person data, its purpose with `require_purpose`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from openhhs.access import Principal, Role
from openhhs.access.deps import PrincipalDep, PurposeDep, access_db, require_role
from openhhs.errors import Forbidden
from openhhs.model import Enrollment, Event, SourceSystem
from openhhs.web.concurrency import run_db_work
from openhhs.web.context import current_request_id
from openhhs.workerconnect import idempotency, push, review, service
from openhhs.workerconnect.retry import retry_when_locked
from openhhs.workerconnect.schemas import (
    BatchIn,
    BatchOut,
    CaseloadOut,
    DecisionIn,
    MatchIn,
    PushEnrollment,
    PushEvent,
    PushPerson,
    PushResult,
    SearchOut,
    SnapshotOut,
    SourceId,
    UnmergeIn,
)
from openhhs.workerconnect.search import SearchCriteria

router = APIRouter()

Db = Annotated[Session, Depends(access_db)]
SystemId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
SourceIdPath = Annotated[SourceId, Path()]
PersonId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
IdemKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=128, description="Retry-safe: same key, same body"),
]
StewardDep = Annotated[Principal, Depends(require_role(Role.DATA_STEWARD))]
HistoryReaderDep = Annotated[Principal, Depends(require_role(Role.PRIVACY_OFFICER, Role.AUDITOR))]

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed JSON"},
    401: {"description": "Not authenticated"},
    403: {"description": "Not allowed (audited)"},
    404: {"description": "Not found, or not shared with you"},
    409: {"description": "Idempotency-Key reused with a different request"},
    413: {"description": "Body too large"},
    422: {"description": "Invalid input"},
}


# ------------------------------------------------------------------------------------ push


async def _idempotent(
    request: Request,
    db: Session,
    principal: Principal,
    source_system: str,
    key: str | None,
    apply: Callable[[SourceSystem], BaseModel],
) -> Response:
    """Run `apply(system)` once per Idempotency-Key; replay the stored answer for a retry.

    The unit runs on the thread pool (it may wait for SQLite's write lock, and a lost lock
    re-runs it), never on the event loop.
    """
    raw = await request.body() if key else b""
    digest = idempotency.request_hash(request.method, request.url.path, raw) if key else ""
    status, body, replayed = await run_in_threadpool(
        _push_once,
        db,
        principal,
        push.token_used_at(db, principal),
        source_system,
        key,
        digest,
        request.method,
        request.url.path,
        apply,
    )
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return JSONResponse(body, status_code=status, headers=headers)


@retry_when_locked
def _push_once(
    db: Session,
    principal: Principal,
    token_used_at: dt.datetime | None,
    source_system: str,
    key: str | None,
    digest: str,
    method: str,
    path: str,
    apply: Callable[[SourceSystem], BaseModel],
) -> tuple[int, dict[str, Any], bool]:
    """One push as one transaction: the token's use, permission, key lookup, the change, the
    stored answer and the commit. Re-run whole when SQLite's lock is lost, so the key is looked
    up again (a concurrent request with the same key that committed first is replayed, not
    applied twice) and the token's use, which the rollback dropped, is set again.
    """
    push.keep_token_use(db, principal, token_used_at)
    system = push.source_system_for(db, principal, source_system)
    if key:
        idempotency.check_key(key)
        idempotency.lock_key(db, principal.id, key)  # a concurrent same-key push commits first
        replay = idempotency.lookup(db, principal.id, key, digest)
        if replay is not None:
            db.commit()  # the token's use; ends the transaction, and with it the key's lock
            return replay.status_code, replay.body, True
    body = apply(system).model_dump(mode="json")
    if key:
        idempotency.remember(db, principal.id, key, digest, method, path, 200, body)
    db.commit()
    return 200, body, False


@router.put(
    "/push/{source_system}/persons/{source_id}",
    tags=["push"],
    response_model=PushResult,
    responses=_ERRORS,
    summary="Create or update a person record of your system; linked at once",
)
async def push_person(
    request: Request,
    source_system: SystemId,
    source_id: SourceIdPath,
    body: PushPerson,
    principal: PrincipalDep,
    db: Db,
    idempotency_key: IdemKey = None,
) -> Response:
    return await _idempotent(
        request,
        db,
        principal,
        source_system,
        idempotency_key,
        lambda system: push.upsert_person(db, system, source_id, body),
    )


@router.delete(
    "/push/{source_system}/persons/{source_id}",
    tags=["push"],
    response_model=PushResult,
    responses=_ERRORS,
    summary="Delete (tombstone) a person record of your system",
)
async def push_delete_person(
    request: Request,
    source_system: SystemId,
    source_id: SourceIdPath,
    principal: PrincipalDep,
    db: Db,
    idempotency_key: IdemKey = None,
) -> Response:
    return await _idempotent(
        request,
        db,
        principal,
        source_system,
        idempotency_key,
        lambda system: push.delete_person(db, system, source_id),
    )


@router.put(
    "/push/{source_system}/enrollments/{source_id}",
    tags=["push"],
    response_model=PushResult,
    responses=_ERRORS,
    summary="Create or update an enrollment (service episode) with the worker's contact",
)
async def push_enrollment(
    request: Request,
    source_system: SystemId,
    source_id: SourceIdPath,
    body: PushEnrollment,
    principal: PrincipalDep,
    db: Db,
    idempotency_key: IdemKey = None,
) -> Response:
    return await _idempotent(
        request,
        db,
        principal,
        source_system,
        idempotency_key,
        lambda system: push.upsert_enrollment(db, system, source_id, body),
    )


@router.delete(
    "/push/{source_system}/enrollments/{source_id}",
    tags=["push"],
    response_model=PushResult,
    responses=_ERRORS,
    summary="Delete (tombstone) an enrollment",
)
async def push_delete_enrollment(
    request: Request,
    source_system: SystemId,
    source_id: SourceIdPath,
    principal: PrincipalDep,
    db: Db,
    idempotency_key: IdemKey = None,
) -> Response:
    return await _idempotent(
        request,
        db,
        principal,
        source_system,
        idempotency_key,
        lambda system: push.delete_item(db, Enrollment, system, source_id),
    )


@router.put(
    "/push/{source_system}/events/{source_id}",
    tags=["push"],
    response_model=PushResult,
    responses=_ERRORS,
    summary="Create or update an event (shelter entry, jail booking, case closing...)",
)
async def push_event(
    request: Request,
    source_system: SystemId,
    source_id: SourceIdPath,
    body: PushEvent,
    principal: PrincipalDep,
    db: Db,
    idempotency_key: IdemKey = None,
) -> Response:
    return await _idempotent(
        request,
        db,
        principal,
        source_system,
        idempotency_key,
        lambda system: push.upsert_event(db, system, source_id, body),
    )


@router.delete(
    "/push/{source_system}/events/{source_id}",
    tags=["push"],
    response_model=PushResult,
    responses=_ERRORS,
    summary="Delete (tombstone) an event",
)
async def push_delete_event(
    request: Request,
    source_system: SystemId,
    source_id: SourceIdPath,
    principal: PrincipalDep,
    db: Db,
    idempotency_key: IdemKey = None,
) -> Response:
    return await _idempotent(
        request,
        db,
        principal,
        source_system,
        idempotency_key,
        lambda system: push.delete_item(db, Event, system, source_id),
    )


@router.post(
    "/push/{source_system}/batch",
    tags=["push"],
    response_model=BatchOut,
    responses=_ERRORS,
    summary="Apply up to 500 operations atomically (all or nothing), in order",
)
async def push_batch(
    request: Request,
    source_system: SystemId,
    body: BatchIn,
    principal: PrincipalDep,
    db: Db,
    idempotency_key: IdemKey = None,
) -> Response:
    return await _idempotent(
        request,
        db,
        principal,
        source_system,
        idempotency_key,
        lambda system: BatchOut(results=push.apply_batch(db, system, body)),
    )


# ------------------------------------------------------------------------------------ match


@router.post(
    "/match",
    tags=["match"],
    responses=_ERRORS,
    summary="Score a record against the index: candidates with the why (nothing stored)",
)
def match_record(body: MatchIn, principal: PrincipalDep, db: Db) -> dict[str, Any]:
    return review.match_candidates(db, principal, body, request_id=current_request_id())


# ------------------------------------------------------------------------- person-level reads


@router.get(
    "/persons",
    tags=["persons"],
    response_model=SearchOut,
    responses=_ERRORS,
    summary="Search persons (ranked, paginated; never a browse-all)",
)
async def search_persons(
    principal: PrincipalDep,
    purpose: PurposeDep,
    db: Db,
    first_name: Annotated[str | None, Query(max_length=100)] = None,
    last_name: Annotated[str | None, Query(max_length=100)] = None,
    dob: Annotated[str | None, Query(max_length=32, description="YYYY-MM-DD")] = None,
    ssn_last4: Annotated[str | None, Query(max_length=4)] = None,
    phone: Annotated[str | None, Query(max_length=32)] = None,
    case_number: Annotated[str | None, Query(max_length=64)] = None,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    criteria = SearchCriteria(first_name, last_name, dob, ssn_last4, phone, case_number)

    def work() -> dict[str, Any]:
        out = service.search_view(
            db,
            principal,
            purpose,
            criteria,
            page=page,
            page_size=page_size,
            request_id=current_request_id(),
        )
        db.commit()
        return out

    return run_db_work(db, work)


@router.get(
    "/persons/{person_id}",
    tags=["persons"],
    response_model=SnapshotOut,
    responses=_ERRORS,
    summary="One-screen snapshot across agencies, filtered by your agreements and purpose",
)
async def person_snapshot(
    person_id: PersonId, principal: PrincipalDep, purpose: PurposeDep, db: Db
) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        view = service.snapshot_view(
            db, principal, purpose, person_id, request_id=current_request_id()
        )
        db.commit()
        return view.body

    return run_db_work(db, work)


@router.get(
    "/caseload",
    tags=["persons"],
    response_model=CaseloadOut,
    responses=_ERRORS,
    summary="My clients who are active at another agency",
)
def my_caseload(principal: PrincipalDep, purpose: PurposeDep, db: Db) -> dict[str, Any]:
    entries = service.caseload_view(db, principal, purpose, request_id=current_request_id())
    db.commit()
    return {"results": entries}


@router.get(
    "/persons/{person_id}/access-history",
    tags=["persons"],
    responses=_ERRORS,
    summary="Who looked at this person, when and why (privacy officers, auditors)",
)
def access_history(
    person_id: PersonId,
    principal: HistoryReaderDep,
    purpose: PurposeDep,
    db: Db,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    if purpose != "audit":
        raise Forbidden("access history is read for the purpose 'audit' only")
    out = review.access_history(db, principal, person_id, limit=limit)
    db.commit()
    return out


# ---------------------------------------------------------------------------------- steward


@router.get(
    "/review",
    tags=["review"],
    responses=_ERRORS,
    summary="Pending match review items, both records as your agreements allow",
)
def review_queue(
    principal: StewardDep,
    purpose: PurposeDep,
    db: Db,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100000)] = 0,
) -> dict[str, Any]:
    out = review.queue_view(
        db, principal, purpose, limit=limit, offset=offset, request_id=current_request_id()
    )
    db.commit()
    return out


@router.get(
    "/review/{item_id}",
    tags=["review"],
    responses=_ERRORS,
    summary="One review item side by side, with the match weight breakdown",
)
def review_item(
    item_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    principal: StewardDep,
    purpose: PurposeDep,
    db: Db,
) -> dict[str, Any]:
    out = review.item_view(db, principal, purpose, item_id, request_id=current_request_id())
    db.commit()
    return out


@router.post(
    "/review/{item_id}/decision",
    tags=["review"],
    responses=_ERRORS,
    summary="Decide a review item: same person (merge) or different people (never link)",
)
def review_decide(
    item_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: DecisionIn,
    principal: StewardDep,
    purpose: PurposeDep,
    db: Db,
) -> dict[str, Any]:
    return review.decide(db, principal, purpose, item_id, body.decision, note=body.note)


@router.post(
    "/persons/{person_id}/unmerge",
    tags=["review"],
    responses=_ERRORS,
    summary="Take one source record out of this person: new ID, never-link, re-match",
)
def person_unmerge(
    person_id: PersonId,
    body: UnmergeIn,
    principal: StewardDep,
    purpose: PurposeDep,
    db: Db,
) -> dict[str, Any]:
    return review.unmerge(db, principal, purpose, person_id, body.source_person_id, body.reason)
