"""Schemathesis against the app's OpenAPI schema: generated requests never get a 5xx.

Kept bounded (a few examples per operation) for the suite's time budget; each request carries
an identity that can reach the operation (agency system, steward or caseworker), so the
generated data reaches the handlers instead of stopping at 401.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from openhhs.db import make_engine
from openhhs.web import create_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def fuzz_target(_sqlite_city: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    template, city = _sqlite_city
    path = tmp_path_factory.mktemp("fuzz") / "city.db"
    shutil.copyfile(template, path)
    app = create_app(engine=make_engine(f"sqlite:///{path}"))
    identities: dict[str, dict[str, Any]] = {
        "system": {
            "headers": {
                "Authorization": f"Bearer {city.tokens['hra_wms']}",
                "X-OpenHHS-Purpose": "system_integration",
            }
        }
    }
    for name, user, purpose in (
        ("steward", "hra.steward", "data_quality"),
        ("worker", "hra.caseworker", "case_management"),
        ("privacy", "hra.privacy", "audit"),
    ):
        c = TestClient(app)
        c.post("/wc/signin", data={"username": user, "password": "sample-password-123"})
        csrf = c.get("/wc/purpose").text.split('name="csrf_token" value="')[1].split('"')[0]
        identities[name] = {
            "cookies": dict(c.cookies),
            "headers": {"X-CSRF-Token": csrf, "X-OpenHHS-Purpose": purpose},
        }
    return {"app": app, "identities": identities}


def _identity(path: str) -> str:
    if path.startswith(("/api/v1/push", "/api/v1/match")):
        return "system"
    if path.startswith("/api/v1/review") or path.endswith("/unmerge"):
        return "steward"
    if path.endswith("/access-history"):
        return "privacy"
    return "worker"


def test_no_server_errors(fuzz_target: dict[str, Any]) -> None:
    """Every operation, a few generated requests each (the pytest plugin's lazy loader does not
    run under pytest 9, so the operations are walked here with hypothesis directly)."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_target["app"])
    failures: list[str] = []
    statuses: list[int] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=4,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: Any) -> None:
            who = fuzz_target["identities"][_identity(case.path)]
            headers = {**(case.headers or {}), **who["headers"]}
            response = case.call(headers=headers, cookies=who.get("cookies"))
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: "
                    f"{response.text[:200]}"
                )

        run()
    assert operations >= 15
    assert len(statuses) >= operations  # every operation was actually called
    assert any(s < 300 for s in statuses)  # and some requests got through to a handler
    assert failures == []


def test_schema_documents_the_error_envelope(fuzz_target: dict[str, Any]) -> None:
    spec = TestClient(fuzz_target["app"]).get("/openapi.json").json()
    person = spec["paths"]["/api/v1/persons/{person_id}"]["get"]
    assert {"401", "403", "404", "422"} <= set(person["responses"])
