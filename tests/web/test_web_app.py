"""The app factory's contract: error envelope, request ids, body limit, headers, i18n, docs."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict

from openhhs.db import make_engine
from openhhs.errors import Conflict, Forbidden
from openhhs.web import create_app, current_request_id
from openhhs.web.i18n import STRINGS, pick_language, translate


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    count: int


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    app = create_app(engine=make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}"), max_body_bytes=4096)
    probe = APIRouter()

    @probe.post("/probe")
    def post_probe(item: Item) -> dict[str, object]:
        return {"name": item.name, "count": item.count, "rid": current_request_id()}

    @probe.get("/probe/conflict")
    def conflict() -> None:
        raise Conflict("already there", details={"key": "k1"})

    @probe.get("/probe/forbidden")
    def forbidden() -> None:
        raise Forbidden("not yours")

    @probe.get("/probe/crash")
    def crash() -> None:
        raise RuntimeError("secret internals")

    app.include_router(probe, prefix="/api/v1")
    return TestClient(app, raise_server_exceptions=False)


def _envelope(body: dict[str, object]) -> dict[str, object]:
    assert set(body) == {"error"}
    err = body["error"]
    assert isinstance(err, dict)
    assert set(err) == {"code", "message", "request_id", "details"}
    return err


def test_domain_errors_map_to_their_status_and_code(client: TestClient) -> None:
    r = client.get("/api/v1/probe/conflict")
    assert r.status_code == 409
    err = _envelope(r.json())
    assert err["code"] == "conflict" and err["details"] == {"key": "k1"}
    assert err["request_id"] == r.headers["x-request-id"]
    assert client.get("/api/v1/probe/forbidden").status_code == 403


def test_unexpected_error_is_a_500_envelope_without_internals(client: TestClient) -> None:
    r = client.get("/api/v1/probe/crash")
    assert r.status_code == 500
    assert _envelope(r.json())["code"] == "internal_error"
    assert "secret" not in r.text


def test_malformed_json_wrong_types_and_unknown_fields(client: TestClient) -> None:
    headers = {"content-type": "application/json"}
    r = client.post("/api/v1/probe", content=b'{"name": "x", ', headers=headers)
    assert r.status_code == 400 and _envelope(r.json())["code"] == "malformed_json"
    r = client.post("/api/v1/probe", json={"name": "x", "count": "many"})
    assert r.status_code == 422 and _envelope(r.json())["code"] == "invalid_input"
    r = client.post("/api/v1/probe", json={"name": "x", "count": 1, "ssn": "123456789"})
    assert r.status_code == 422
    assert "123456789" not in r.text  # the submitted value is never echoed back


def test_request_id_is_kept_when_well_formed_and_replaced_otherwise(client: TestClient) -> None:
    r = client.post(
        "/api/v1/probe", json={"name": "é", "count": 1}, headers={"x-request-id": "abc-1"}
    )
    assert r.headers["x-request-id"] == "abc-1" and r.json()["rid"] == "abc-1"
    r = client.get("/api/v1/health", headers={"x-request-id": "<script>"})
    assert r.headers["x-request-id"] != "<script>" and len(r.headers["x-request-id"]) == 32


def test_body_over_limit_is_413_by_length_and_by_stream(client: TestClient) -> None:
    r = client.post(
        "/api/v1/probe", content=b"x" * 5000, headers={"content-type": "application/json"}
    )
    assert r.status_code == 413 and _envelope(r.json())["code"] == "payload_too_large"

    def chunks():  # no Content-Length: counted while streaming
        for _ in range(10):
            yield b"x" * 1000

    r = client.post("/api/v1/probe", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_ten_megabyte_body_is_refused_with_default_limit(tmp_path: Path) -> None:
    app = create_app(engine=make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    r = TestClient(app).post(
        "/api/v1/health",
        content=b"{" * (10 * 1024 * 1024),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413


def test_security_headers_and_no_caching_of_pages(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "unsafe-inline" not in r.headers["content-security-policy"]
    assert r.headers["cache-control"] == "no-store"
    assert "cache-control" not in client.get("/static/openhhs.css").headers


def test_html_errors_outside_api_and_json_inside(client: TestClient) -> None:
    r = client.get("/no/such/page")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Page not found" in r.text
    r = client.get("/api/v1/no/such")
    assert r.status_code == 404 and _envelope(r.json())["code"] == "not_found"
    r = client.delete("/api/v1/health")
    assert r.status_code == 405 and _envelope(r.json())["code"] == "method_not_allowed"


def test_docs_use_vendored_swagger_and_openapi_is_served(client: TestClient) -> None:
    r = client.get("/docs")
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in r.text
    assert "http" not in r.text.split("<body>")[1].replace("data-openapi-url", "")
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/api/v1/health" in spec["paths"]


def test_language_switch_sets_cookie_and_refuses_offsite_redirects(client: TestClient) -> None:
    r = client.get("/lang/es?next=//evil.example/x", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert "openhhs_lang=es" in r.headers["set-cookie"]
    assert 'lang="es"' in client.get("/").text


def test_strings_table_is_complete_in_spanish() -> None:
    assert set(STRINGS["en"]) == set(STRINGS["es"])
    assert translate("snapshot.served_by", "es", n=3) == "Atendido por 3 agencias"
    assert translate("no.such.key", "es") == "no.such.key"
    assert pick_language(None, None, "es-US,es;q=0.9,en;q=0.8") == "es"
    assert pick_language("fr", None, "fr-FR") == "en"
