"""Every route of the app is enumerated: a person-level route must pass through `enforce`.

A route is person-level when its path names a person or lists people. Each such route is either
in ENFORCED (and calling it is shown, below, to call `openhhs.access.enforce`) or in EXEMPT with
the reason it returns no person data. A new person-level route in neither list fails the suite.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import openhhs.access
from openhhs.web.app import iter_routes

PERSON_LEVEL = re.compile(
    r"\{(person_id|enterprise_id|source_person_id)\}|/persons?\b|/caseload|/review|/clients?\b"
    r"|/outreach|/households?\b|/documents?\b|/consents?\b|/history"
)

ENFORCED: set[tuple[str, str]] = {
    ("GET", "/api/v1/persons"),
    ("GET", "/api/v1/persons/{person_id}"),
    ("GET", "/api/v1/caseload"),
    ("GET", "/api/v1/review"),
    ("GET", "/api/v1/review/{item_id}"),
    ("GET", "/wc/person/{person_id}"),
    ("POST", "/wc/person/{person_id}/sensitive/{category}"),
    ("GET", "/wc/caseload"),
    ("GET", "/wc/review"),
    ("GET", "/wc/review/{item_id}"),
}
EXEMPT: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/persons/{person_id}/access-history"): (
        "returns audit entries (who read, when, why), not person data; privacy officers and "
        "auditors only, purpose 'audit', and the read is itself audited"
    ),
    ("POST", "/api/v1/review/{item_id}/decision"): "steward write; returns Enterprise IDs only",
    ("POST", "/api/v1/persons/{person_id}/unmerge"): "steward write; returns Enterprise IDs only",
    ("POST", "/wc/review/{item_id}/decision"): "steward write; redirects, no person data",
    ("POST", "/wc/person/{person_id}/unmerge"): "steward write; redirects, no person data",
    ("GET", "/api/v1/audit/persons/{person_id}"): (
        "openhhs.audit: audit entries, not person data; auditors and privacy officers, purpose "
        "'audit', itself audited"
    ),
    ("POST", "/api/v1/access/consents"): (
        "openhhs.access: records a consent (a write by the worker who holds the signed form); "
        "answers with that consent record only"
    ),
    ("POST", "/api/v1/access/consents/{consent_id}/withdraw"): (
        "openhhs.access: withdrawal is a new consent row; answers with that row only"
    ),
}
# Routes that match the pattern only by their word choice, checked by hand.
NOT_PERSON_LEVEL: dict[tuple[str, str], str] = {}


def _routes(app: Any) -> list[tuple[str, str]]:
    out = []
    for methods, path, _endpoint in iter_routes(app):
        for m in sorted(methods - {"HEAD", "OPTIONS"}):
            out.append((m, path))
    return out


def test_every_person_level_route_is_classified(ro_world):
    routes = _routes(ro_world.app)
    assert ("GET", "/api/v1/persons/{person_id}") in routes
    unclassified = [
        r
        for r in routes
        if PERSON_LEVEL.search(r[1])
        and r not in ENFORCED
        and r not in EXEMPT
        and r not in NOT_PERSON_LEVEL
        and not r[1].startswith("/api/v1/push/")  # agency writes of its own records: ids only
    ]
    assert unclassified == [], (
        "person-level routes must call openhhs.access.enforce (add them to ENFORCED) or be "
        f"EXEMPT with a reason: {unclassified}"
    )
    stale = [r for r in ENFORCED | set(EXEMPT) if r not in routes]
    assert stale == [], f"classified routes that no longer exist: {stale}"


@pytest.fixture
def enforce_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts calls of the public `enforce` and of `enforce_many` (a page of persons)."""
    calls: list[str] = []
    real, real_many = openhhs.access.enforce, openhhs.access.enforce_many

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(str(args[2]) if len(args) > 2 else "?")
        return real(*args, **kwargs)

    def counting_many(*args: Any, **kwargs: Any) -> Any:
        items = list(args[2])
        calls.extend(pid for pid, _payload in items)
        return real_many(*args[:2], items, *args[3:], **kwargs)

    monkeypatch.setattr(openhhs.access, "enforce", counting)
    monkeypatch.setattr(openhhs.access, "enforce_many", counting_many)
    return calls


def _concrete(path: str, world: Any) -> str:
    return (
        path.replace("{person_id}", world.city.people["maria"])
        .replace("{item_id}", str(world.city.review_item_id))
        .replace("{category}", "mental_health")
    )


QUERIES = {"/api/v1/persons": {"first_name": "Maria", "last_name": "Lopez"}}
USERS = {"review": ("hra.steward", "data_quality")}


@pytest.mark.parametrize(("method", "path"), sorted(ENFORCED))
def test_person_level_route_calls_enforce(ro_world, enforce_calls, method, path):
    user = USERS["review"] if "/review" in path else ("hra.caseworker", "case_management")
    c = ro_world.session_client(*user)
    r = c.request(method, _concrete(path, ro_world), params=QUERIES.get(path))
    assert r.status_code == 200, r.text[:500]
    assert enforce_calls, f"{method} {path} answered without passing through enforce"
