"""Where a route's database work runs: inline, on the worker's event loop.

The snapshot and the search are CPU in this process plus a few round trips to the database.
A thread per request only added hand-offs of the GIL between it and the event loop: on SQLite
the database is a library and a worker runs one route at a time (`web.app.SQLITE_THREADS`);
on PostgreSQL, where the work also waits on the network, the waits are overlapped by more
worker processes instead (`openhhs serve --workers`, about two per core). Measured on the
2-core bench (100k people, 20 clients, 15 s, PostgreSQL): 2 workers x 4 threads 110 snapshots
and 88 searches per second; 3 x 2 threads 98 / 75; 4 x 1 thread 100 / 76; 4 workers inline
144 / 106; 6 inline 134 / 98.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")


def run_db_work(db: Session, work: Callable[[], T]) -> T:
    """`work()` on `db`; what it leaves uncommitted when it fails is rolled back at once, so
    no transaction (and no SQLite writer lock) outlives it while the loop serves others."""
    try:
        return work()
    except BaseException:
        db.rollback()
        raise
