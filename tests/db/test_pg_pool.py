"""PostgreSQL's pool discards connections the server closed, without a ping per checkout."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, create_engine, text

from openhhs.db import make_engine

pytestmark = pytest.mark.pg


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("select pg_backend_pid()")).scalar_one())


def test_a_connection_the_server_ended_is_replaced_at_checkout(pg_database_url: str) -> None:
    engine = make_engine(pg_database_url, pool_size=1, max_overflow=0)
    first = _backend_pid(engine)  # back in the pool, idle
    admin = create_engine(pg_database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.execute(text("select pg_terminate_backend(:p)"), {"p": first}).scalar()
    admin.dispose()
    time.sleep(0.2)  # the server's notice and end of file reach the idle socket
    second = _backend_pid(engine)  # no error: the dead connection was not handed out
    assert second != first
    engine.dispose()


def test_a_checkout_of_a_live_connection_sends_no_ping(
    pg_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(pg_database_url, pool_size=1, max_overflow=0)
    _backend_pid(engine)
    pings: list[object] = []
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(conn) or True)
    for _ in range(3):
        _backend_pid(engine)
    assert pings == []  # SQLAlchemy's pool_pre_ping would have sent a SELECT 1 each time
    engine.dispose()
