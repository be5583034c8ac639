"""Row-level security switched on in the running app: person-level reads run as `openhhs_app`.

Through the real app (`openhhs.web.create_app`) and the access dependencies every router uses,
a caseworker's GET with a purpose runs each of its transactions as the non-owner role with the
acting agencies set, so a raw query that forgets the agency filter sees only those agencies'
rows. Writes (POST) keep running as the owner; `OPENHHS_RLS=off` switches it off.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from access_city import PEOPLE, principal, seed_city
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from test_auth import CONFIG, token
from test_deps import bearer

from openhhs.access.deps import (
    PURPOSE_HEADER,
    PrincipalDep,
    PurposeDep,
    access_db,
    current_principal,
)
from openhhs.access.principal import Principal, PrincipalKind
from openhhs.access.rls import acting_agencies
from openhhs.access.store import shipped_policy
from openhhs.access.vocab import Role
from openhhs.web import create_app

Db = Annotated[Session, Depends(access_db)]
ALL_AGENCIES = sorted({a for agencies in PEOPLE.values() for a in agencies})


def _look(db: Session) -> dict[str, Any]:
    """What a query that forgets the application's agency filter sees."""
    out: dict[str, Any] = {
        "agencies": sorted(set(db.scalars(text("select agency_id from source_person")))),
        "notes": len(db.scalars(text("select raw from source_person")).all()),
    }
    if db.get_bind().dialect.name == "postgresql":
        out["user"] = db.scalar(text("select current_user"))
        out["setting"] = db.scalar(text("select current_setting('openhhs.agency', true)"))
    return out


probe = APIRouter()


@probe.get("/rls-probe")
def read_probe(request: Request, p: PrincipalDep, purpose: PurposeDep, db: Db) -> dict[str, Any]:
    first = _look(db)
    db.commit()  # like enforce() committing its audit entries between two reads
    return {"first": first, "after_commit": _look(db), "state": request.state.rls_agencies}


@probe.post("/rls-probe")
def write_probe(p: PrincipalDep, purpose: PurposeDep, db: Db) -> dict[str, Any]:
    return {"first": _look(db)}


@pytest.fixture
def app_client(engine: Engine) -> Iterator[TestClient]:
    with Session(engine) as s:
        seed_city(s)
    app = create_app(engine=engine)
    app.state.sso_config = CONFIG
    app.include_router(probe)
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def _headers() -> dict[str, str]:
    return {**bearer(token()), PURPOSE_HEADER: "case_management"}  # an HRA caseworker


def test_a_caseworker_read_runs_as_the_app_role_with_its_acting_agencies(
    app_client: TestClient, engine: Engine
) -> None:
    r = app_client.get("/rls-probe", headers=_headers())
    assert r.status_code == 200, r.text
    body = r.json()
    if engine.dialect.name != "postgresql":
        # SQLite has no row-level security: enforce() is the only guard
        assert body["state"] is None and body["first"]["agencies"] == ALL_AGENCIES
        return
    expected = acting_agencies(principal("HRA", "caseworker"), shipped_policy())
    assert "HRA" in expected and "DOC" not in expected  # DSA-DOC-HRA-01 is withdrawn
    assert body["state"] == expected
    owner = engine.url.username
    for look in (body["first"], body["after_commit"]):  # re-applied to each new transaction
        assert look["user"] == "openhhs_app" != owner
        assert look["setting"] == ",".join(expected)
        assert look["agencies"] == sorted(set(ALL_AGENCIES) & set(expected))
        assert "DOC" not in look["agencies"]
        visible = sum(1 for agencies in PEOPLE.values() for a in agencies if a in expected)
        assert look["notes"] == visible < sum(len(a) for a in PEOPLE.values())
    # SET LOCAL ended with the request's transactions: the pool's connections are the owner's
    with engine.connect() as conn:
        assert conn.scalar(text("select current_user")) == owner
        assert conn.scalar(text("select count(distinct agency_id) from source_person")) == len(
            ALL_AGENCIES
        )


def test_writes_and_the_off_switch_keep_running_as_the_owner(
    app_client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = app_client.post("/rls-probe", headers=_headers())
    assert post.status_code == 200, post.text
    assert post.json()["first"]["agencies"] == ALL_AGENCIES
    monkeypatch.setenv("OPENHHS_RLS", "off")
    off = app_client.get("/rls-probe", headers=_headers())
    assert off.status_code == 200 and off.json()["state"] is None
    assert off.json()["first"]["agencies"] == ALL_AGENCIES
    if engine.dialect.name == "postgresql":
        assert post.json()["first"]["user"] == off.json()["first"]["user"] == engine.url.username


def test_a_principal_of_an_agency_that_owns_no_rows_reads_nothing(
    app_client: TestClient, engine: Engine
) -> None:
    """A DSS auditor (DSS is no agency of the common model): 200, and no agency row visible."""
    auditor = Principal("user:900", PrincipalKind.USER, "DSS", frozenset({Role.AUDITOR}))
    app = app_client.app
    assert isinstance(app, FastAPI)
    app.dependency_overrides[current_principal] = lambda: auditor
    try:
        r = app_client.get("/rls-probe", headers={PURPOSE_HEADER: "audit"})
    finally:
        app.dependency_overrides.clear()
    assert r.status_code == 200, r.text
    if engine.dialect.name == "postgresql":
        assert r.json()["state"] == ["DSS"]
        assert r.json()["first"]["user"] == "openhhs_app" and r.json()["first"]["agencies"] == []
    else:
        assert r.json()["state"] is None
