"""FastAPI dependencies: bearer and cookie authentication, CSRF, purpose checks and spoofing."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from test_auth import AUDIENCE, CONFIG, ISSUER, JWK, _keypair, token

from openhhs.access._audit import recent_events
from openhhs.access.accounts import create_service_account, create_user
from openhhs.access.deps import PURPOSE_HEADER, PrincipalDep, PurposeDep, require_role
from openhhs.access.vocab import Role
from openhhs.access.websessions import CSRF_HEADER, SESSION_COOKIE, start_session
from openhhs.audit import AuditEntry
from openhhs.errors import OpenHHSError


def make_app(engine: Engine) -> FastAPI:
    app = FastAPI()
    app.state.engine = engine
    app.state.sso_config = CONFIG

    @app.exception_handler(OpenHHSError)
    def _err(_request: Request, exc: OpenHHSError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "message": exc.message}, status_code=exc.status)

    @app.get("/me")
    def me(p: PrincipalDep) -> dict[str, object]:
        return {"id": p.id, "agency": p.agency, "roles": sorted(p.roles)}

    @app.get("/person")
    def person(p: PrincipalDep, purpose: PurposeDep) -> dict[str, str]:
        return {"purpose": purpose.value}

    @app.post("/act")
    def act(p: PrincipalDep) -> dict[str, str]:
        return {"ok": p.id}

    @app.get(
        "/admin", dependencies=[__import__("fastapi").Depends(require_role(Role.ADMINISTRATOR))]
    )
    def admin() -> dict[str, bool]:
        return {"ok": True}

    return app


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(make_app(engine), base_url="https://testserver") as c:
        yield c


def bearer(t: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {t}"}


def test_no_credentials_is_401(client: TestClient) -> None:
    assert client.get("/me").status_code == 401
    assert client.get("/me", headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 401
    assert client.get("/me", headers=bearer("")).status_code == 401


def test_sso_bearer_and_purpose(client: TestClient) -> None:
    r = client.get("/me", headers=bearer(token()))
    assert r.status_code == 200 and r.json() == {
        "id": "sso:jdoe@hra", "agency": "HRA", "roles": ["caseworker"]
    }  # fmt: skip
    ok = client.get("/person", headers={**bearer(token()), PURPOSE_HEADER: "case_management"})
    assert ok.json() == {"purpose": "case_management"}
    assert client.get("/person?purpose=outreach", headers=bearer(token())).status_code == 200
    missing = client.get("/person", headers=bearer(token()))
    assert missing.status_code == 403 and "name the purpose" in missing.json()["message"]


SPOOFED = ["research", "' OR 1=1", "x" * 5000]
BAD_TOKENS = {
    "expired": token({"exp": dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)}),
    "wrong-audience": token({"aud": "elsewhere"}),
    "hs256": jwt.encode({"sub": "x"}, "s" * 32, algorithm="HS256"),
}


def _last_audit(engine: Engine) -> AuditEntry:
    with Session(engine) as s:
        return s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()


def test_purpose_spoofing_is_refused_and_audited(client: TestClient, engine: Engine) -> None:
    for purpose in SPOOFED:
        before = len(recent_events())
        r = client.get("/person", headers={**bearer(token()), PURPOSE_HEADER: purpose})
        assert r.status_code == 403, purpose
        new = [e for e in recent_events()[before:] if e.action == "purpose:denied"]
        assert len(new) == 1 and new[0].outcome == "denied" and new[0].actor == "sso:jdoe@hra"
        row = _last_audit(engine)
        assert (row.action, row.outcome, row.actor) == ("deny", "denied", "sso:jdoe@hra")
        assert row.purpose == purpose[:64]


def test_bad_bearer_tokens_are_401_and_audited(client: TestClient, engine: Engine) -> None:
    for name, bad in BAD_TOKENS.items():
        before = len(recent_events())
        assert client.get("/me", headers=bearer(bad)).status_code == 401, name
        events = [e.outcome for e in recent_events()[before:] if e.action == "auth:token"]
        assert events == ["failure"], name
        row = _last_audit(engine)
        assert (row.action, row.outcome, row.actor) == ("login", "failure", "anonymous")


def test_service_account_token(client: TestClient, engine: Engine) -> None:
    with Session(engine) as s:
        issued = create_service_account(s, name="hra-wms", agency="HRA")
        s.commit()
    r = client.get("/me", headers=bearer(issued.token))
    assert r.json()["roles"] == ["agency_system"]
    spoof = client.get("/person", headers={**bearer(issued.token), PURPOSE_HEADER: "research"})
    assert spoof.status_code == 403


def test_session_cookie_csrf_and_roles(client: TestClient, engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as s:
        user = create_user(s, username="cw", agency="DHS", roles=["caseworker"], password="p" * 12)
        tok, active = start_session(s, user)
        s.commit()
    client.cookies.set(SESSION_COOKIE, tok)
    assert client.get("/me").json()["agency"] == "DHS"
    assert client.post("/act").status_code == 403  # no CSRF token
    assert client.post("/act", headers={CSRF_HEADER: "forged"}).status_code == 403
    assert client.post("/act", headers={CSRF_HEADER: active.csrf_token}).status_code == 200
    assert client.post("/act", data={"csrf_token": active.csrf_token}).status_code == 200
    assert client.get("/admin").status_code == 403
    client.cookies.set(SESSION_COOKIE, tok + "x")
    assert client.get("/me").status_code == 401


def test_sso_keys_from_the_environment_follow_rotation(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [JWK]}))
    monkeypatch.setenv("OPENHHS_SSO_ISSUER", ISSUER)
    monkeypatch.setenv("OPENHHS_SSO_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("OPENHHS_SSO_JWKS_FILE", str(jwks))
    app = make_app(engine)
    del app.state.sso_config
    with TestClient(app, base_url="https://testserver") as c:
        assert c.get("/me", headers=bearer(token())).status_code == 200
        _, rotated = _keypair()
        jwks.write_text(json.dumps({"keys": [rotated]}))
        os.utime(jwks, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
        assert c.get("/me", headers=bearer(token())).status_code == 401  # old key is gone
