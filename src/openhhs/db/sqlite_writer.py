"""Queue SQLite writers in the kernel instead of in SQLite's busy handler.

SQLite has one write lock per database file. A connection that finds it taken sleeps in the
busy handler (1, 2, 5, 10, 15, 20, 25... up to 100 ms between tries) and tries again, so under
load a waiter keeps sleeping after the lock was freed: with every person-level read appending to
the audit log, two server processes' writers made a p99 of 0.5-1 s. `hold_writer` takes an
exclusive `flock` on a file beside the database first; a blocked `flock` wakes as soon as the
holder lets go. It is released when the session's transaction ends (commit or rollback).

Only writers that ask take part; the others still meet the busy handler, which stays the
fallback. A transaction that already writes (pysqlite has begun it) never waits on the file:
a holder of the file may be waiting for its write lock, so waiting here could deadlock.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

_KEY = "openhhs.db.sqlite_writer"


def _lock_path(session: Session) -> str | None:
    bind = session.get_bind()
    url = bind.engine.url
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:") or url.query.get("mode") == "memory":
        return None
    return f"{database}-writer.lock"


def hold_writer(session: Session) -> None:
    """Wait for, and keep until the transaction ends, the right to write this SQLite file."""
    if _KEY in session.info:
        return
    path = _lock_path(session)
    if path is None:
        return
    raw: Any = session.connection().connection.dbapi_connection
    if getattr(raw, "in_transaction", False):
        return  # already writing: holds SQLite's lock, which file holders may be waiting for
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        taken = _take(fd, on_loop=_on_event_loop())
    except BaseException:
        os.close(fd)
        raise
    if not taken:
        os.close(fd)
        return
    session.info[_KEY] = (session.get_transaction(), fd)


# On an event loop's thread the file is only polled, briefly: a holder in this process may need
# that loop to reach its commit, and waiting on it would never end. Past the limit SQLite's busy
# handler waits as it would without the file.
LOOP_POLL_SECONDS = 0.0005
LOOP_WAIT_SECONDS = 0.25


def _on_event_loop() -> bool:
    """Whether this thread is running an asyncio event loop right now."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _take(fd: int, *, on_loop: bool) -> bool:
    if not on_loop:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return True
    deadline = time.monotonic() + LOOP_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(LOOP_POLL_SECONDS)


@event.listens_for(Session, "after_transaction_end")
def _release(session: Session, transaction: SessionTransaction) -> None:
    held = session.info.get(_KEY)
    if held is None or (held[0] is not None and held[0] is not transaction):
        return
    del session.info[_KEY]
    os.close(held[1])  # closing the descriptor releases the flock
