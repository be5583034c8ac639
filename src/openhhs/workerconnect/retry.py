"""Re-run a unit of work that lost SQLite's write lock ("database is locked").

Every person-level read appends to the audit chain, so reads write, and pushes and review
decisions write more. In WAL mode a transaction that read first and then writes fails at once,
without waiting, if another connection committed in between (SQLITE_BUSY_SNAPSHOT); a writer
that waited longer than the busy timeout fails the same way. Nothing of it was committed, so it
is rolled back and the whole unit run again on a fresh snapshot. PostgreSQL never takes this
path.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

T = TypeVar("T")
P = ParamSpec("P")

ATTEMPTS = 8


def is_lock_error(exc: OperationalError) -> bool:
    """SQLite's "database is locked" / "database table is locked", nothing else."""
    return "locked" in str(exc.orig)


def retry_when_locked(fn: Callable[P, T]) -> Callable[P, T]:
    """Run `fn(session, ...)` again, on a fresh transaction, when SQLite reports a lock.

    `fn` must be the whole unit of work (what it reads, what it writes, and for writers the
    commit): the rollback drops everything it did, so a retry never leaves half of a first try
    behind. Every failure rolls back, the last one too, so a caller's clean-up cannot commit
    a partial unit. Any other error is raised at once.
    """

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        session = args[0]
        assert isinstance(session, Session)
        for attempt in range(ATTEMPTS):
            try:
                return fn(*args, **kwargs)
            except OperationalError as exc:
                if not is_lock_error(exc):
                    raise
                session.rollback()
                if attempt == ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0.005, 0.02) * (attempt + 1))  # noqa: S311 - jitter
        raise AssertionError("unreachable")

    return run
