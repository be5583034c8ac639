"""The portal's steward writes: a review decision and an unmerge from the page forms.

Each is one unit of work that commits itself (`workerconnect.review`, re-run whole when SQLite's
lock is lost); the page adds no commit of its own after it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from openhhs.audit.models import AuditEntry
from openhhs.cci import registry


@pytest.fixture
def commits() -> Iterator[list[Session]]:
    """Every session commit in this process while the test runs (the app's included)."""
    seen: list[Session] = []

    def note(session: Session) -> None:
        seen.append(session)

    event.listen(Session, "after_commit", note)
    yield seen
    event.remove(Session, "after_commit", note)


def _reasons(world, request_id: str) -> list[str]:
    with Session(world.engine) as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.request_id == request_id)).all()
    return [e.detail.get("reason") for e in entries]


def test_decide_and_unmerge_pages_write_in_one_commit_each(world, commits):
    c = world.session_client("hra.steward", "data_quality")
    item = world.city.review_item_id
    commits.clear()
    r = c.post(f"/wc/review/{item}/decision", data={"decision": "same"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/wc/review?decided={item}"
    assert len(commits) == 1
    assert _reasons(world, r.headers["x-request-id"]).count(f"item {item}: same") == 1

    anna = world.city.records["dhs_hmis:D-2003"]
    with Session(world.engine) as s:
        eid = registry.enterprise_id_of(s, anna)
        assert eid is not None and len(registry.members(s, eid)) == 2  # Ana and Anna, merged
    commits.clear()
    r = c.post(
        f"/wc/person/{eid}/unmerge",
        data={"source_person_id": str(anna), "reason": "twin"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/wc/review?unmerged=")
    assert len(commits) == 1
    with Session(world.engine) as s:
        assert anna not in registry.members(s, eid)
    assert len(_reasons(world, r.headers["x-request-id"])) == 1
