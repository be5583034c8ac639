"""Push and review writes under SQLite's single write lock: a lost lock re-runs the whole unit.

Another connection holds a write transaction on the database file while a push (or a review
decision) is on its way; the app's busy timeout is cut to 50 ms so SQLite answers "database is
locked" instead of waiting, as it does under load.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from openhhs.access.models import ServiceAccount
from openhhs.audit.models import AuditEntry
from openhhs.cci.models import EidEvent
from openhhs.model import SourcePerson
from openhhs.workerconnect import push
from openhhs.workerconnect.models import IdempotencyKey
from openhhs.workerconnect.retry import retry_when_locked

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def lock_errors(world: Any) -> Iterator[list[str]]:
    """The "database is locked" errors the app's engine met; its busy timeout cut to 50 ms."""
    seen: list[str] = []

    def short_wait(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=50")

    def note(ctx: Any) -> None:
        if "locked" in str(ctx.original_exception):
            seen.append(str(ctx.original_exception))

    event.listen(world.engine, "connect", short_wait)
    event.listen(world.engine, "handle_error", note)
    world.engine.dispose()  # pooled connections were opened with the 30 s wait
    yield seen
    event.remove(world.engine, "handle_error", note)
    event.remove(world.engine, "connect", short_wait)


def _hold_write_lock(path: str, seconds: float) -> threading.Thread:
    """Another connection takes the file's write lock now and commits after `seconds`."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE IF NOT EXISTS lock_holder (x INTEGER)")
    other.execute("INSERT INTO lock_holder VALUES (1)")

    def release() -> None:
        threading.Event().wait(seconds)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=release)
    holder.start()
    return holder


def _locked_on_first_call(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, path: str
) -> list[threading.Thread]:
    """Patch `owner.name` so its first call starts with the write lock held elsewhere."""
    real = getattr(owner, name)
    holders: list[threading.Thread] = []

    def wrapped(session: Session, *args: Any, **kwargs: Any) -> Any:
        if not holders:
            raw = session.connection().connection.dbapi_connection
            assert raw is not None and not raw.in_transaction  # nothing written yet
            holders.append(_hold_write_lock(path, 0.2))
        return real(session, *args, **kwargs)

    monkeypatch.setattr(owner, name, wrapped)
    return holders


def _counts(world: Any, request_id: str | None = None) -> Counter[str]:
    with Session(world.engine) as s:
        out: Counter[str] = Counter(
            persons=s.scalar(select(func.count()).select_from(SourcePerson)) or 0,
            eid_events=s.scalar(select(func.count()).select_from(EidEvent)) or 0,
            keys=s.scalar(select(func.count()).select_from(IdempotencyKey)) or 0,
        )
        if request_id:
            out["audit"] = (
                s.scalar(
                    select(func.count())
                    .select_from(AuditEntry)
                    .where(AuditEntry.request_id == request_id)
                )
                or 0
            )
    return out


@SQLITE_ONLY
def test_a_push_that_loses_the_lock_is_rerun_and_written_once(
    world, lock_errors, monkeypatch, maria
):
    c = world.token_client("dhs_hmis")
    maria_id = world.city.people["maria"]
    before = _counts(world)
    calm = c.put("/api/v1/push/dhs_hmis/persons/D-9100", json=maria)
    assert calm.status_code == 200 and not lock_errors
    one_push = _counts(world) - before  # what one uncontended push writes
    assert one_push["persons"] == 1 and one_push["eid_events"] >= 1

    path = world.engine.url.database
    holders = _locked_on_first_call(monkeypatch, push, "source_system_for", path)
    before = _counts(world)
    key = {"Idempotency-Key": "locked-push-0001"}
    r = c.put("/api/v1/push/dhs_hmis/persons/D-9101", json=maria, headers=key)
    holders[0].join()
    assert r.status_code == 200, r.text
    assert lock_errors, "the push never met the lock"
    assert r.json()["outcome"] == "inserted" and r.json()["enterprise_id"] == maria_id
    assert _counts(world) - before == one_push + Counter(keys=1)
    with Session(world.engine) as s:
        rows = s.scalars(select(SourcePerson).where(SourcePerson.source_id == "D-9101")).all()
    assert len(rows) == 1

    replay = c.put("/api/v1/push/dhs_hmis/persons/D-9101", json=maria, headers=key)
    assert replay.json() == r.json() and replay.headers["idempotent-replayed"] == "true"
    changed = c.put(
        "/api/v1/push/dhs_hmis/persons/D-9101", json={**maria, "first_name": "Mary"}, headers=key
    )
    assert changed.status_code == 409


@SQLITE_ONLY
def test_a_push_rerun_after_a_lost_lock_still_records_the_token_use(
    world, lock_errors, monkeypatch, maria
):
    """Authentication marks the token used in the push's transaction; the retry's rollback
    dropped that mark, so a re-run push must set it again."""
    token = world.city.tokens["dhs_hmis"]
    holders = _locked_on_first_call(
        monkeypatch, push, "source_system_for", world.engine.url.database
    )
    sent = dt.datetime.now(dt.UTC)
    r = world.token_client("dhs_hmis").put("/api/v1/push/dhs_hmis/persons/D-9102", json=maria)
    holders[0].join()
    assert r.status_code == 200, r.text
    assert lock_errors, "the push never met the lock"
    with Session(world.engine) as s:
        used = s.scalar(
            select(ServiceAccount.last_used_at).where(
                ServiceAccount.token_id == token.split("_")[2]
            )
        )
    assert used is not None and used.replace(tzinfo=dt.UTC) >= sent


@SQLITE_ONLY
def test_a_refused_push_that_loses_the_lock_is_audited_once(world, lock_errors, monkeypatch, maria):
    path = world.engine.url.database
    holders = _locked_on_first_call(monkeypatch, push, "source_system_for", path)
    c = world.token_client("hra_wms")
    r = c.put("/api/v1/push/dhs_hmis/persons/D-9400", json=maria)
    holders[0].join()
    assert r.status_code == 403, r.text
    assert lock_errors
    assert _counts(world, r.headers["x-request-id"])["audit"] == 1


@SQLITE_ONLY
def test_a_batch_that_loses_the_lock_is_all_or_nothing_and_once(
    world, lock_errors, monkeypatch, maria
):
    path = world.engine.url.database
    holders = _locked_on_first_call(monkeypatch, push, "source_system_for", path)
    c = world.token_client("dhs_hmis")
    ops = [
        {"op": "upsert_person", "source_id": f"D-93{i:02d}", "person": {**maria, "ssn": None}}
        for i in range(3)
    ]
    before = _counts(world)
    r = c.post("/api/v1/push/dhs_hmis/batch", json={"operations": ops})
    holders[0].join()
    assert r.status_code == 200, r.text
    assert lock_errors
    assert [x["outcome"] for x in r.json()["results"]] == ["inserted"] * 3
    assert (_counts(world) - before)["persons"] == 3


@SQLITE_ONLY
def test_a_review_decision_that_loses_the_lock_is_rerun_and_audited_once(
    world, lock_errors, monkeypatch
):
    from openhhs.cci import review as cci_review

    c = world.session_client("hra.steward", "data_quality")
    holders = _locked_on_first_call(monkeypatch, cci_review, "decide", world.engine.url.database)
    item = world.city.review_item_id
    r = c.post(f"/api/v1/review/{item}/decision", json={"decision": "same", "note": "same DOB"})
    holders[0].join()
    assert r.status_code == 200, r.text
    assert lock_errors
    assert r.json()["left_enterprise_id"] == r.json()["right_enterprise_id"]
    with Session(world.engine) as s:
        decided = s.scalars(
            select(AuditEntry).where(AuditEntry.request_id == r.headers["x-request-id"])
        ).all()
    reasons = [e.detail.get("reason") for e in decided]
    assert reasons.count(f"item {item}: same (same DOB)") == 1


def test_concurrent_pushes_with_one_key_write_once_and_answer_alike(world, maria):
    """Three agency retries of one request racing each other: one record, one answer."""
    key = {"Idempotency-Key": "raced-push-0001"}
    before = _counts(world)

    def send(_: int) -> Any:
        c = world.token_client("dhs_hmis")
        return c.put("/api/v1/push/dhs_hmis/persons/D-9200", json=maria, headers=key)

    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(send, range(3)))
    assert [a.status_code for a in answers] == [200] * 3, [a.text for a in answers]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    replayed = sorted(a.headers.get("idempotent-replayed", "") for a in answers)
    assert replayed == ["", "true", "true"]
    after = _counts(world) - before
    assert after["persons"] == 1 and after["keys"] == 1


@SQLITE_ONLY
def test_other_operational_errors_are_not_retried(world, monkeypatch, maria):
    calls: list[int] = []

    def broken(session: Session, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        session.execute(text("SELECT * FROM no_such_table"))

    monkeypatch.setattr(push, "upsert_person", broken)
    c = world.token_client("dhs_hmis")
    r = c.put("/api/v1/push/dhs_hmis/persons/D-9300", json=maria)
    assert r.status_code == 500
    assert calls == [1]


def test_retry_runs_a_lock_error_again_and_nothing_else(tmp_path):
    from openhhs.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    calls: list[str] = []

    def unit(fail_with: str) -> Callable[[Session], int]:
        @retry_when_locked
        def run(session: Session) -> int:
            calls.append(fail_with)
            session.execute(text("INSERT INTO t VALUES (1)"))
            if len(calls) == 1:
                raise OperationalError("INSERT", {}, sqlite3.OperationalError(fail_with))
            session.commit()
            return len(calls)

        return run

    with Session(engine) as s:
        assert unit("database is locked")(s) == 2
        assert s.scalar(text("SELECT count(*) FROM t")) == 1  # the first try was rolled back
    calls.clear()
    with Session(engine) as s, pytest.raises(OperationalError, match="disk I/O error"):
        unit("disk I/O error")(s)
    assert len(calls) == 1
    engine.dispose()
