"""Idempotency keys for the push API: a retried request returns the first answer, never re-applies.

The key is scoped to the calling principal; the stored hash covers method, path and body, so
reusing a key for a different request is a `Conflict` (409) rather than a silent replay. Two
requests with one key at the same time queue behind each other (`lock_key`): the second then
finds the first's answer.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from openhhs.errors import Conflict, InvalidInput
from openhhs.workerconnect.models import IdempotencyKey

_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: dict[str, Any]


def request_hash(method: str, path: str, body: bytes) -> str:
    h = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def check_key(key: str) -> str:
    if not _KEY.match(key):
        raise InvalidInput(
            "Idempotency-Key must be 8-128 characters of letters, digits and . _ : -",
            details={"header": "Idempotency-Key"},
        )
    return key


# pg_advisory_xact_lock(int4, int4): a key space of its own, apart from the single-bigint locks
# of the audit chain and the CCI's blocking keys, so a hash never collides with theirs.
_PG_LOCK = text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), CAST(:key AS integer))")
_PG_LOCK_SPACE = 0x49444B59  # "IDKY"


def lock_key(session: Session, principal_id: str, key: str) -> None:
    """Hold this principal's key until the transaction ends; take it before `lookup`.

    PostgreSQL: a transaction-scoped advisory lock on a hash of (principal, key), so a second
    request with the key waits for the first to commit, then replays its answer (or is a
    `Conflict`) instead of applying the change again and failing on the unique constraints.
    Without it the two queued only because each request's authentication updates the service
    token's row. A 32-bit hash: two keys that collide only wait for each other.

    SQLite: nothing to take. Every pusher is a service token (users never hold agency_system),
    and a push's first statement writes the token's use, which takes the database's one write
    lock before the lookup; pysqlite begins a transaction only at a write, so the lookup sees
    every committed answer, and a unit that loses the lock is re-run whole
    (`retry.retry_when_locked`). Without that first write, two lookups could both miss.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(f"{principal_id}\0{key}".encode(), digest_size=4).digest()
    lock = int.from_bytes(digest, "big", signed=True)
    session.execute(_PG_LOCK, {"space": _PG_LOCK_SPACE, "key": lock})


def lookup(session: Session, principal_id: str, key: str, digest: str) -> Replay | None:
    """The stored answer for this key, or None; Conflict when the key was used differently."""
    row = session.get(IdempotencyKey, (principal_id, key))
    if row is None:
        return None
    if row.request_hash != digest:
        raise Conflict(
            "This Idempotency-Key was already used with a different request.",
            details={"key": key, "first_used_for": f"{row.method} {row.path}"},
        )
    return Replay(row.status_code, row.response)


def remember(
    session: Session,
    principal_id: str,
    key: str,
    digest: str,
    method: str,
    path: str,
    status_code: int,
    body: dict[str, Any],
) -> None:
    """Store the answer in the same transaction as the change it describes."""
    session.add(
        IdempotencyKey(
            principal_id=principal_id,
            key=key,
            method=method.upper(),
            path=path[:500],
            request_hash=digest,
            status_code=status_code,
            response=body,
        )
    )
    session.flush()
