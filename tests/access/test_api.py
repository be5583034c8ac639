"""The access API: me, agreements, and consent recording guarded against strangers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from access_city import seed_city
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from test_auth import token
from test_deps import bearer, make_app

from openhhs.access.api import router
from openhhs.access.persons import set_person_resolver


@pytest.fixture
def api(engine: Engine) -> Iterator[TestClient]:
    with Session(engine) as s:
        links = seed_city(s)
    set_person_resolver(lambda _s, pid: links.get(pid, []))
    app = make_app(engine)
    app.include_router(router, prefix="/api/v1")
    with TestClient(app, base_url="https://testserver") as c:
        yield c
    set_person_resolver(None)


def test_me_and_agreements(api: TestClient) -> None:
    me = api.get("/api/v1/access/me", headers=bearer(token())).json()
    assert me["agency"] == "HRA" and "case_management" in me["purposes"]
    assert "research" not in me["purposes"]
    listed = api.get("/api/v1/access/agreements", headers=bearer(token())).json()
    by_id = {(a["id"], a["version"]): a for a in listed}
    assert by_id[("DSA-DOC-HRA-01", 1)]["state"] == "withdrawn"
    assert "enrollment.case_number" not in by_id[("DSA-DHS-HRA-01", 2)]["elements"]
    assert api.get("/api/v1/access/agreements").status_code == 401


def test_consent_is_recorded_only_by_someone_serving_the_person(api: TestClient) -> None:
    body = {
        "person_id": "E-ALICE",
        "recipients": ["HRA"],
        "purposes": ["case_management"],
        "categories": ["mental_health"],
        "method": "written",
    }
    hra = bearer(token())  # HRA caseworker; E-ALICE has an active HRA case
    doc = bearer(token({"sub": "w@doc", "openhhs_agency": "DOC"}))  # no DOC case for E-ALICE
    analyst = bearer(token({"sub": "a@hra", "openhhs_roles": ["analyst"]}))
    assert api.post("/api/v1/access/consents", json=body, headers=doc).status_code == 403
    assert api.post("/api/v1/access/consents", json=body, headers=analyst).status_code == 403
    bad = {**body, "categories": ["gossip"]}
    assert api.post("/api/v1/access/consents", json=bad, headers=hra).status_code == 422
    extra = {**body, "sneaky": 1}
    assert api.post("/api/v1/access/consents", json=extra, headers=hra).status_code == 422
    made = api.post("/api/v1/access/consents", json=body, headers=hra)
    assert made.status_code == 201 and made.json()["status"] == "given"
    cid = made.json()["id"]
    url = f"/api/v1/access/consents/{cid}/withdraw"
    assert api.post(url, json={"method": "verbal"}, headers=doc).status_code == 403
    gone = api.post(url, json={"method": "verbal"}, headers=hra)
    assert gone.status_code == 201 and gone.json()["withdraws_id"] == cid
    assert api.post(url, json={"method": "verbal"}, headers=hra).status_code == 409
    assert api.post("/api/v1/access/consents/999999/withdraw", json={"method": "verbal"},
                    headers=hra).status_code == 404  # fmt: skip


def test_injection_and_oversized_consent_inputs_are_clean_4xx(api: TestClient) -> None:
    hra = bearer(token())
    base = {"person_id": "E-ALICE", "recipients": ["HRA"], "purposes": ["case_management"],
            "categories": ["mental_health"], "method": "written"}  # fmt: skip
    cases = [
        {**base, "person_id": "E" * 65},
        {**base, "person_id": "E-ALICE' OR '1'='1"},  # unknown person: no active case -> 403
        {**base, "recipients": ["HRA'; DROP TABLE access_consent; --"]},
        {**base, "purposes": ["x" * 10_000]},
        {**base, "method": "telepathy"},
        {**base, "notes": "n" * 2001},
        {**base, "elements": ["person.*", "../../etc/passwd"]},
        {**base, "categories": [], "elements": [], "documents": []},
        {**base, "expires_at": "2000-01-01T00:00:00Z"},
    ]
    for body in cases:
        r = api.post("/api/v1/access/consents", json=body, headers=hra)
        assert r.status_code in (403, 422), (body, r.status_code, r.text)
    assert api.post("/api/v1/access/consents", content=b"{not json", headers=hra).status_code == 422
