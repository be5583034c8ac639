"""Idempotency keys for the push API: a retried request returns the first answer, never re-applies.

The key is scoped to the calling principal; the stored hash covers method, path and body, so
reusing a key for a different request is a `Conflict` (409) rather than a silent replay.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

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
