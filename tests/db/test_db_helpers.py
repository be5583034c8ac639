"""Database helpers: SQLite writers queue on a file lock; writes and column reads past the ORM."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from openhhs.db import make_engine, sqlite_writer, upgrade
from openhhs.db.sqlite_writer import hold_writer
from openhhs.db.writes import has_pending_writes, note_core_write


def _file_engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    return engine


def _second_writer_waits(engine: Engine, end_first: str) -> list[str]:
    """The first session holds the writer lock; a second, in a thread, asks for it."""
    order: list[str] = []
    first = Session(engine)
    hold_writer(first)
    first.execute(text("INSERT INTO t VALUES (1)"))

    def second() -> None:
        with Session(engine) as s:
            hold_writer(s)
            order.append("second holds")
            s.execute(text("INSERT INTO t VALUES (2)"))
            s.commit()

    th = threading.Thread(target=second)
    th.start()
    time.sleep(0.3)  # the second writer is queued by now, not sleeping in SQLite
    order.append("first ends")
    getattr(first, end_first)()
    th.join(timeout=10)
    first.close()
    assert not th.is_alive()
    return order


def test_a_second_writer_waits_until_the_first_commits(tmp_path: Path) -> None:
    engine = _file_engine(tmp_path)
    assert _second_writer_waits(engine, "commit") == ["first ends", "second holds"]
    with engine.connect() as conn:
        assert sorted(conn.scalars(text("SELECT x FROM t"))) == [1, 2]


def test_a_rollback_releases_the_writer_too(tmp_path: Path) -> None:
    engine = _file_engine(tmp_path)
    assert _second_writer_waits(engine, "rollback") == ["first ends", "second holds"]
    with engine.connect() as conn:
        assert list(conn.scalars(text("SELECT x FROM t"))) == [2]


def test_a_transaction_already_writing_does_not_wait(tmp_path: Path) -> None:
    """It holds SQLite's own lock, which a holder of the file may be waiting for."""
    engine = _file_engine(tmp_path)
    with Session(engine) as holder, Session(engine) as writing:
        hold_writer(holder)  # the file is taken by a session that has not written yet
        writing.execute(text("INSERT INTO t VALUES (3)"))  # SQLite's write lock, no file
        started = time.perf_counter()
        hold_writer(writing)  # returns at once although the file is held
        assert time.perf_counter() - started < 0.2
        writing.commit()
        holder.rollback()


def test_on_an_event_loop_the_writer_is_only_polled_briefly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A holder in this process may need the loop to commit: the loop gives up, never hangs."""
    monkeypatch.setattr(sqlite_writer, "LOOP_WAIT_SECONDS", 0.05)
    engine = _file_engine(tmp_path)
    with Session(engine) as holder:
        hold_writer(holder)

        async def on_loop() -> tuple[float, bool]:
            with Session(engine) as s:
                started = time.perf_counter()
                hold_writer(s)  # the file stays taken: SQLite's busy handler is the fallback
                return time.perf_counter() - started, sqlite_writer._KEY in s.info

        waited, holds = asyncio.run(on_loop())
        assert waited < 0.5 and not holds
        holder.rollback()


def test_on_an_event_loop_a_file_freed_while_polling_is_taken(tmp_path: Path) -> None:
    engine = _file_engine(tmp_path)
    holder = Session(engine)
    hold_writer(holder)
    threading.Timer(0.05, holder.rollback).start()

    async def on_loop() -> bool:
        with Session(engine) as s:
            hold_writer(s)
            taken = sqlite_writer._KEY in s.info
            s.rollback()
            return taken

    assert asyncio.run(on_loop())
    holder.close()


def test_memory_databases_take_no_file_lock(tmp_path: Path) -> None:
    engine = make_engine("sqlite:///:memory:")
    with Session(engine) as s:
        hold_writer(s)
        s.execute(text("SELECT 1"))
    assert not list(tmp_path.iterdir())


def test_core_writes_count_as_pending_until_the_transaction_ends(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    upgrade(engine)
    with Session(engine) as s:
        s.execute(text("SELECT 1"))
        assert not has_pending_writes(s)
        note_core_write(s)
        assert has_pending_writes(s)
        s.commit()
        assert not has_pending_writes(s)
        s.execute(text("SELECT 1"))  # a new transaction: the old mark does not carry over
        assert not has_pending_writes(s)


def test_column_reads_see_what_the_session_has_not_flushed(tmp_path: Path) -> None:
    """`execute_columns` flushes pending ORM changes first, as the session's autoflush would."""
    from sqlalchemy import select

    from openhhs.db.columns import execute_columns
    from openhhs.model import Agency

    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    upgrade(engine)
    with Session(engine) as s:
        s.add(Agency(id="ZZZ", name="Pending agency"))
        found = execute_columns(s, select(Agency.name).where(Agency.id == "ZZZ")).scalar()
        assert found == "Pending agency"
