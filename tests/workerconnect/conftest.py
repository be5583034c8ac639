"""The sample city on every backend, an app on it, and signed-in clients per demo account."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from openhhs.db import make_engine, upgrade
from openhhs.demo.sample import SampleCity, build_sample_city
from openhhs.web import create_app

PASSWORD = "sample-password-123"
PG_ADMIN_URL = os.environ.get(
    "OPENHHS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@dataclass
class World:
    engine: Engine
    city: SampleCity
    app: Any

    def client(self) -> TestClient:
        return TestClient(self.app, raise_server_exceptions=False)

    def token_client(self, system: str, purpose: str = "system_integration") -> TestClient:
        c = self.client()
        c.headers["Authorization"] = f"Bearer {self.city.tokens[system]}"
        c.headers["X-OpenHHS-Purpose"] = purpose
        return c

    def session_client(self, username: str, purpose: str | None = None) -> TestClient:
        """Signed in through the portal form; the purpose chosen like a user would."""
        c = self.client()
        r = c.post(
            "/wc/signin",
            data={"username": username, "password": PASSWORD},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        csrf = c.get("/wc/purpose").text.split('name="csrf_token" value="')[1].split('"')[0]
        c.headers["X-CSRF-Token"] = csrf
        if purpose:
            r = c.post(
                "/wc/purpose",
                data={"purpose": purpose, "next": "/wc/search"},
                follow_redirects=False,
            )
            assert r.status_code == 303, r.text
        return c


def _build(engine: Engine) -> World:
    with Session(engine, expire_on_commit=False) as s:
        city = build_sample_city(s, password=PASSWORD)
        s.commit()
    return World(engine, city, create_app(engine=engine))


@pytest.fixture
def maria() -> dict[str, Any]:
    """The sample city's Maria Lopez as an agency pushes her; she links to her Enterprise ID.

    A fresh dict per test, so a test may change it freely."""
    return {
        "first_name": "Maria",
        "last_name": "Lopez",
        "dob": "1985-04-28",
        "ssn": "212-55-1234",
        "sex": "F",
        "phones": ["718-555-0123"],
    }


@pytest.fixture(autouse=True)
def _plain_http_cookies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENHHS_COOKIE_SECURE", "0")  # TestClient speaks plain http


@pytest.fixture(scope="session")
def _sqlite_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SampleCity]:
    path = tmp_path_factory.mktemp("wc_template") / "city.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    built = _build(engine)
    engine.dispose()
    return path, built.city


@pytest.fixture
def world(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[World]:
    """A fresh sample city for tests that write (push, review decisions, unmerge).

    On SQLite a copy of one city built per test process; on PostgreSQL built in the test's
    (emptied afterwards) database.
    """
    if database_url.startswith("sqlite"):
        template, city = request.getfixturevalue("_sqlite_city")
        path = tmp_path / "city.db"
        shutil.copyfile(template, path)
        engine = make_engine(f"sqlite:///{path}")
        yield World(engine, city, create_app(engine=engine))
    else:
        engine = make_engine(database_url)
        yield _build(engine)
    engine.dispose()


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]
)
def ro_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One sample city per backend and test process, for tests that only read.

    Reads add audit rows and sessions, nothing a read test looks at across tests. PostgreSQL
    gets a database of its own, so other folders' table truncation cannot touch it.
    """
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('wc') / 'wc.db'}")
        upgrade(engine)
        yield _build(engine)
        engine.dispose()
        return
    request.getfixturevalue("pg_database_url")  # skips (or fails in CI) without a server
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"openhhs_wc_{os.getpid()}_{secrets.token_hex(3)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        upgrade(engine)
        yield _build(engine)
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def as_user(ro_world: World) -> Callable[..., TestClient]:
    return ro_world.session_client
