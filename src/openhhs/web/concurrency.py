"""Where a route's database work runs: inline on SQLite, on the thread pool otherwise.

On SQLite the work is CPU in this process (the database is a library), and a worker process
runs one route at a time (`web.app.SQLITE_THREADS`): a thread then only adds a hand-off of
the GIL between it and the event loop, which runs the async dependencies of the requests
waiting behind it. On PostgreSQL the work waits on the network, and threads let the requests
of one process overlap those waits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine
from sqlalchemy.orm import Session

T = TypeVar("T")


async def run_db_work(request: Request, db: Session, work: Callable[[], T]) -> T:
    """`work()` on `db`; what it leaves uncommitted when it fails is rolled back at once, so
    no transaction (and no SQLite writer lock) outlives it while the loop serves others."""
    engine: Engine = request.app.state.engine
    try:
        if engine.dialect.name == "sqlite":
            return work()
        return await run_in_threadpool(work)
    except BaseException:
        db.rollback()
        raise
