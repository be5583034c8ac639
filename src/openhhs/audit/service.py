"""Writing, verifying and reading the audit log.

`record` is the only writer. It runs inside the caller's transaction, so a write and its audit
entry commit or roll back together; `record_committed` writes in a transaction of its own, for
events that must be kept even when the request fails (denials, logins).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session

from openhhs.audit.chain import GENESIS, clean_text, entry_hash, json_safe
from openhhs.audit.models import AuditAction, AuditEntry, AuditOutcome
from openhhs.db import sqlite_writer
from openhhs.db.base import utcnow
from openhhs.db.columns import fetch_together
from openhhs.db.writes import note_core_write
from openhhs.errors import InvalidInput

# Key of the PostgreSQL advisory lock that serializes writers ("AUDT" in ASCII).
ADVISORY_LOCK_KEY = 0x41554454

_DEFAULT_OUTCOME = {AuditAction.DENY: AuditOutcome.DENIED}


_PG_LOCK = select(func.pg_advisory_xact_lock(ADVISORY_LOCK_KEY))
_SQLITE_LOCK = text("DELETE FROM audit_log WHERE 0 = 1")


# session.info key: (transaction, seq, hash) of the last entry this session appended, so the
# entries of one transaction (a search page audits every person on it) take the chain lock and
# read the chain's head once instead of once per entry.
_HEAD_KEY = "openhhs.audit.head"
_BATCH_KEY = "openhhs.audit.batch"  # rows `batch` inserts together


def _innermost(session: Session) -> object:
    return session.get_nested_transaction() or session.get_transaction()


# built once: every audited request reads the head (a statement built per call cost more
# Python than the query)
_HEAD = select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
_INSERT = insert(AuditEntry)


def _chain_head(session: Session) -> tuple[int, str]:
    """(seq, hash) of the last entry, with this transaction holding the chain's lock.

    The lock lasts until the transaction ends, so while the same (innermost) transaction is
    open nobody else can have appended since this session's own last entry: that entry is the
    head. A new transaction, or a savepoint begun or rolled back since, is a different object
    and reads the head again under the lock. The transaction object itself is kept (not its
    id(), which a later transaction could reuse).
    """
    cached = session.info.get(_HEAD_KEY)
    if cached is not None and cached[0] is _innermost(session) and cached[0] is not None:
        return cached[1], cached[2]
    # The lock makes this transaction the only writer until it ends, so no two entries share
    # a parent.
    if session.get_bind().dialect.name == "postgresql":
        # the lock and the read in one round trip: PostgreSQL runs the pipelined statements in
        # order and, under READ COMMITTED, takes each one's snapshot when it starts, so the
        # read sees every entry committed before the lock was granted
        _lock, rows = fetch_together(session, [(_PG_LOCK, {}), (_HEAD, {})])
        last = rows[0] if rows else None
    else:
        # Queue on the writer file first (wakes as soon as the holder commits), then a write
        # statement takes SQLite's single write lock for the rest of the transaction; it
        # matches no row, so the append-only trigger never fires.
        sqlite_writer.hold_writer(session)
        session.execute(_SQLITE_LOCK)
        last = session.connection().execute(_HEAD).first()
    return (last[0], last[1]) if last else (0, GENESIS)


MAX_ELEMENTS = 500
MAX_DETAIL_CHARS = 16_000


def _bounded_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """The detail as stored JSON; an oversized one is kept as a prefix of its text."""
    value = json_safe(detail or {})
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(text) <= MAX_DETAIL_CHARS:
        return value if isinstance(value, dict) else {"value": value}
    return {"truncated": True, "chars": len(text), "prefix": text[:MAX_DETAIL_CHARS]}


def _as_utc(value: dt.datetime) -> dt.datetime:
    """Naive times are taken as UTC (the model's convention), never as the server's local time."""
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _clip(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    return clean_text(str(value))[:limit]


def record(session: Session, **fields: Any) -> AuditEntry:
    """`append` one entry and return it as an `AuditEntry` (a detached copy of the row)."""
    return AuditEntry(**append(session, **fields))


def append(
    session: Session,
    *,
    actor: str,
    action: AuditAction | str,
    outcome: AuditOutcome | str | None = None,
    actor_agency: str | None = None,
    purpose: str | None = None,
    person_id: str | int | None = None,
    elements: Iterable[str] = (),
    agreement_id: str | None = None,
    request_id: str | None = None,
    detail: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """Append one entry to the chain (in `session`'s transaction, not committed); its row.

    The access layer's events take this, not `record`: building the mapped `AuditEntry` cost
    ~0.1 ms of Python, and a search page audits every person on it.

    `action`: read, write, deny, export, login, admin. `outcome` defaults to `denied` for a
    deny and `success` otherwise. `elements` names what was returned or changed
    (`person.name`, `enrollment.*`). Over-long strings are cut to their column widths and
    `detail` is stored as JSON (non-JSON values as strings): auditing never fails on content.
    Raises `InvalidInput` only for an unknown action or outcome (a programming error).
    """
    try:
        action = AuditAction(action)
        outcome = AuditOutcome(outcome or _DEFAULT_OUTCOME.get(action, AuditOutcome.SUCCESS))
    except ValueError as exc:
        raise InvalidInput(f"audit: {exc}") from exc
    if isinstance(elements, str):
        elements = [elements]
    last_seq, prev_hash = _chain_head(session)
    seq = last_seq + 1
    fields: dict[str, Any] = {
        "seq": seq,
        "at": _as_utc(at or utcnow()),
        "actor": _clip(actor, 200) or "unknown",  # an event without an actor is still kept
        "actor_agency": _clip(actor_agency, 16),
        "purpose": _clip(purpose, 64),
        "action": action,
        "person_id": _clip(person_id, 64),
        "elements": sorted({clean_text(str(e))[:200] for e in list(elements)[:MAX_ELEMENTS]}),
        "agreement_id": _clip(agreement_id, 128),
        "outcome": outcome,
        "request_id": _clip(request_id, 64),
        "detail": _bounded_detail(detail),
    }
    digest = entry_hash(prev_hash, fields)
    # A Core insert under the lock taken above, not an added object: the unit of work's flush
    # of one row cost ~1 ms of Python per audited request, the insert ~0.1 ms.
    row = {**fields, "prev_hash": prev_hash, "hash": digest}
    pending = session.info.get(_BATCH_KEY)
    if pending is not None:
        pending.append(row)
    else:
        session.connection().execute(_INSERT, row)
    note_core_write(session)
    session.info[_HEAD_KEY] = (_innermost(session), seq, digest)
    return row


@contextmanager
def batch(session: Session) -> Iterator[None]:
    """Entries recorded inside go to the database as one multi-row insert when it ends.

    A search page audits every person on it: ten single-row inserts cost ~1 ms more Python
    than one. If the block raises, nothing of it is inserted and the cached chain head is
    dropped, so the next entry reads the head again instead of continuing after rows that
    were never written.
    """
    if session.info.get(_BATCH_KEY) is not None:
        yield  # already batching: the outer block inserts
        return
    rows: list[dict[str, Any]] = []
    session.info[_BATCH_KEY] = rows
    try:
        yield
    except BaseException:
        session.info.pop(_HEAD_KEY, None)
        raise
    finally:
        del session.info[_BATCH_KEY]
    if rows:
        session.connection().execute(_INSERT, rows)


def record_committed(engine: Engine, **fields: Any) -> AuditEntry:
    """`record` in its own transaction, committed before returning."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        return record(session, **fields)


def entry_fields(entry: AuditEntry) -> dict[str, Any]:
    """The hashed fields of a stored entry, as `record` hashed them."""
    return {
        "seq": entry.seq,
        "at": entry.at,
        "actor": entry.actor,
        "actor_agency": entry.actor_agency,
        "purpose": entry.purpose,
        "action": entry.action,
        "person_id": entry.person_id,
        "elements": entry.elements,
        "agreement_id": entry.agreement_id,
        "outcome": entry.outcome,
        "request_id": entry.request_id,
        "detail": entry.detail,
    }


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    entries: int  # entries checked
    head_seq: int | None = None  # last entry (anchor it outside the database)
    head_hash: str | None = None
    first_bad_seq: int | None = None
    problem: str | None = None  # edited | deleted | reordered | replaced | truncated | rewritten
    reason: str | None = None  # a sentence for the operator
    # The append-only triggers are in place and enabled. Checked separately from the chain:
    # an intact chain with its protection removed is an incident of its own.
    protected: bool = True

    def __str__(self) -> str:
        if self.ok:
            return (
                f"audit log intact: {self.entries} entries, head {self.head_seq} {self.head_hash}"
            )
        return f"audit log TAMPERED at seq {self.first_bad_seq} ({self.problem}): {self.reason}"


def _iter_entries(session: Session, batch: int = 2000) -> Iterator[AuditEntry]:
    """All entries in seq order, a batch at a time (keyset paging keeps memory flat)."""
    after = None
    while True:
        query = select(AuditEntry).order_by(AuditEntry.seq).limit(batch)
        if after is not None:
            query = query.where(AuditEntry.seq > after)
        rows = list(session.scalars(query))
        if not rows:
            return
        yield from rows
        after = rows[-1].seq
        session.expunge_all()


def _seq_of_hash(session: Session, value: str) -> int | None:
    return session.scalar(select(AuditEntry.seq).where(AuditEntry.hash == value))


def _seq_after(session: Session, value: str) -> int | None:
    """The seq of the entry whose prev_hash is `value`: where the entry hashed so was written."""
    return session.scalar(select(AuditEntry.seq).where(AuditEntry.prev_hash == value).limit(1))


def _diagnose(
    session: Session, entry: AuditEntry, prev: AuditEntry | None, content_ok: bool
) -> tuple[int, str, str]:
    """Name the first problem: which seq, what kind, and why we think so."""
    expected_seq = prev.seq + 1 if prev else 1
    expected_prev = prev.hash if prev else GENESIS
    if entry.prev_hash != expected_prev:
        parent = _seq_of_hash(session, entry.prev_hash)
        if parent is None:
            if prev is not None and content_ok and entry.seq == expected_seq:
                return (
                    prev.seq,
                    "replaced",
                    f"entry {prev.seq} was rewritten and re-hashed: entry {entry.seq} is "
                    f"chained to a different entry {prev.seq} ({entry.prev_hash[:12]}…)",
                )
            return (
                expected_seq,
                "deleted",
                f"entry {expected_seq} is missing: entry {entry.seq} was chained to an entry "
                f"that is no longer in the log (after entry {prev.seq if prev else 0})",
            )
        return (
            entry.seq,
            "reordered",
            f"entry at seq {entry.seq} was written after entry {parent}, "
            f"not after entry {prev.seq if prev else 0}",
        )
    if not content_ok:
        successor = _seq_after(session, entry.hash)
        if successor is not None and successor - 1 != entry.seq:
            return (
                entry.seq,
                "reordered",
                f"entry at seq {entry.seq} was written as seq {successor - 1}",
            )
        return (
            entry.seq,
            "edited",
            f"entry {entry.seq} no longer matches its hash: its content was changed",
        )
    missing = (
        f"{expected_seq}" if entry.seq == expected_seq + 1 else f"{expected_seq}-{entry.seq - 1}"
    )
    return (
        expected_seq,
        "deleted",
        f"entries {missing} are missing: seq jumps from {expected_seq - 1} to {entry.seq}",
    )


# The append-only triggers migration audit_01 creates, per backend.
TRIGGERS = {
    "postgresql": frozenset({"audit_log_no_update_delete", "audit_log_no_truncate"}),
    "sqlite": frozenset({"audit_log_no_update", "audit_log_no_delete"}),
}


def is_protected(engine: Engine) -> bool:
    """Whether every append-only trigger exists and is enabled."""
    expected = TRIGGERS.get(engine.dialect.name)
    if expected is None:
        return False
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.execute(
                text(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass "
                    "AND NOT tgisinternal AND tgenabled IN ('O', 'A')"
                )
            )
        else:
            rows = conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                    "AND tbl_name = 'audit_log'"
                )
            )
        return expected <= {r[0] for r in rows}


def verify(engine: Engine, anchor: tuple[int, str] | None = None) -> VerifyResult:
    """`verify_chain` plus the check that the append-only triggers are still in place."""
    result = verify_chain(engine, anchor)
    return replace(result, protected=is_protected(engine))


def verify_chain(engine: Engine, anchor: tuple[int, str] | None = None) -> VerifyResult:
    """Walk the chain from the first entry; stop at the first edited, deleted or moved one.

    Catches edits (content no longer matches its hash), deletions (a gap in seq, or a
    predecessor that is gone), reordering (an entry hashed for another position) and a rewritten
    entry whose hash was recomputed (its successor still names the old hash). Deleting the
    newest entries leaves a valid shorter chain; `anchor` = a `(head_seq, head_hash)` kept
    outside the database from an earlier run catches that (problem `truncated`).
    """
    with Session(engine) as session:
        prev: AuditEntry | None = None
        count = 0
        for entry in _iter_entries(session):
            expected_prev = prev.hash if prev else GENESIS
            expected_seq = prev.seq + 1 if prev else 1
            content_ok = entry_hash(entry.prev_hash, entry_fields(entry)) == entry.hash
            if not content_ok or entry.prev_hash != expected_prev or entry.seq != expected_seq:
                seq, problem, reason = _diagnose(session, entry, prev, content_ok)
                return VerifyResult(
                    False,
                    count,
                    prev.seq if prev else None,
                    prev.hash if prev else None,
                    first_bad_seq=seq,
                    problem=problem,
                    reason=reason,
                )
            if anchor and entry.seq == anchor[0] and entry.hash != anchor[1]:
                return VerifyResult(
                    False,
                    count,
                    prev.seq if prev else None,
                    prev.hash if prev else None,
                    first_bad_seq=entry.seq,
                    problem="rewritten",
                    reason=f"entry {entry.seq} is not the entry anchored earlier: the log was "
                    "rewritten from here (or from before) with recomputed hashes",
                )
            prev = entry
            count += 1
        head_seq, head_hash = (prev.seq, prev.hash) if prev else (None, None)
        if anchor and (head_seq or 0) < anchor[0]:
            return VerifyResult(
                False,
                count,
                head_seq,
                head_hash,
                first_bad_seq=(head_seq or 0) + 1,
                problem="truncated",
                reason=f"the log ends at entry {head_seq or 0} but entry {anchor[0]} was "
                "anchored earlier: the newest entries were deleted",
            )
        return VerifyResult(True, count, head_seq, head_hash)


def person_history(session: Session, person_id: str | int, *, limit: int = 500) -> list[AuditEntry]:
    """Who looked at (or changed, or was refused) this person, newest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.person_id == str(person_id))
        .order_by(AuditEntry.seq.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def iter_entries(engine: Engine) -> Iterator[AuditEntry]:
    """Every entry in chain order (for exports)."""
    with Session(engine) as session:
        yield from _iter_entries(session)
