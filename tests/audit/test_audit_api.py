"""The audit API: overseers only, purpose `audit`, and reading the audit is itself audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from openhhs.access.deps import current_principal
from openhhs.access.principal import Principal, PrincipalKind
from openhhs.access.vocab import Role
from openhhs.audit import person_history, record
from openhhs.web import create_app

AUDITOR = Principal("user:900", PrincipalKind.USER, "DSS", frozenset({Role.AUDITOR}))
CASEWORKER = Principal("user:901", PrincipalKind.USER, "HRA", frozenset({Role.CASEWORKER}))
AUDIT = {"X-OpenHHS-Purpose": "audit"}


@pytest.fixture
def api(engine: Engine) -> Iterator[tuple[TestClient, dict[str, Principal]]]:
    with Session(engine) as session, session.begin():
        for _ in range(3):
            record(
                session,
                actor="user:1",
                actor_agency="DHS",
                action="read",
                purpose="case_management",
                person_id="EID-1",
                elements=["person.name"],
                agreement_id="dsa-1",
            )
        record(
            session,
            actor="user:2",
            action="deny",
            person_id="EID-1",
            detail={"reason": "not shared with your role under any agreement"},
        )
    app = create_app(engine=engine)
    who = {"principal": AUDITOR}
    app.dependency_overrides[current_principal] = lambda: who["principal"]
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, who


def test_person_history_for_an_auditor_is_itself_audited(
    api: tuple[TestClient, dict[str, Principal]], engine: Engine
) -> None:
    client, _ = api
    response = client.get("/api/v1/audit/persons/EID-1", headers=AUDIT)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [e["seq"] for e in body] == [4, 3, 2, 1]
    assert body[0]["outcome"] == "denied" and body[0]["reason"].startswith("not shared")
    assert body[1]["agreement_id"] == "dsa-1" and body[1]["elements"] == ["person.name"]
    with Session(engine) as session:
        newest = person_history(session, "EID-1", limit=1)[0]
    assert (newest.actor, newest.elements) == ("user:900", ["audit.person_history"])


def test_verify_and_fhir_pages(api: tuple[TestClient, dict[str, Principal]]) -> None:
    client, _ = api
    verified = client.get("/api/v1/audit/verify")
    assert verified.status_code == 200 and verified.json()["ok"] is True
    page = client.get("/api/v1/audit/events?limit=3", headers=AUDIT).json()
    assert [e["resource"]["id"] for e in page["entry"]] == [
        "openhhs-audit-1",
        "openhhs-audit-2",
        "openhhs-audit-3",
    ]
    assert page["next_after"] == 3
    rest = client.get("/api/v1/audit/events?after=3", headers=AUDIT).json()
    assert rest["entry"][0]["resource"]["outcome"] == "4" and rest["next_after"] is None


def test_caseworkers_and_other_purposes_are_refused(
    api: tuple[TestClient, dict[str, Principal]],
) -> None:
    client, who = api
    who["principal"] = CASEWORKER
    for path in ("/api/v1/audit/verify", "/api/v1/audit/persons/EID-1", "/api/v1/audit/events"):
        assert client.get(path, headers=AUDIT).status_code == 403
    who["principal"] = AUDITOR
    spoofed = client.get(
        "/api/v1/audit/persons/EID-1", headers={"X-OpenHHS-Purpose": "case_management"}
    )
    assert spoofed.status_code == 403
    assert client.get("/api/v1/audit/persons/" + "x" * 65, headers=AUDIT).status_code == 422
    assert client.get("/api/v1/audit/events?limit=0", headers=AUDIT).status_code == 422
