"""The audit log on SQLite and PostgreSQL: append-only, hash-chained, verifiable."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from openhhs.audit import (
    AuditAction,
    AuditEntry,
    AuditOutcome,
    batch,
    person_history,
    record,
    record_committed,
    verify,
)
from openhhs.audit.chain import GENESIS, entry_hash
from openhhs.audit.service import TRIGGERS, entry_fields
from openhhs.errors import InvalidInput


def _fill(engine: Engine, n: int = 6) -> None:
    with Session(engine) as session, session.begin():
        for i in range(n):
            record(
                session,
                actor=f"worker{i % 2}",
                actor_agency="HRA",
                action="read" if i % 3 else "write",
                purpose="case_management",
                person_id=f"EID-{i % 3}",
                elements=["person.name", "person.dob"],
                agreement_id="dsa-hra-dhs-001",
                request_id=f"req-{i}",
                detail={"route": "/api/v1/persons", "n": i},
            )


@contextmanager
def tampering(engine: Engine) -> Iterator[Connection]:
    """A transaction in which the append-only triggers do not fire (what an attacker with
    superuser rights could do). On PostgreSQL the trigger is skipped for this transaction only,
    since the test database is shared by the tests of this process; on SQLite (a private copy
    per test) the triggers are dropped."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        yield conn


def test_untouched_log_verifies(engine: Engine) -> None:
    assert verify(engine).ok and verify(engine).entries == 0
    _fill(engine)
    result = verify(engine)
    assert result.ok, str(result)
    assert (result.entries, result.head_seq) == (6, 6)
    with engine.connect() as conn:
        rows = conn.execute(text("select seq, prev_hash, hash from audit_log order by seq")).all()
    assert rows[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    assert result.head_hash == rows[-1].hash
    assert result.protected


def test_dropped_or_disabled_triggers_are_reported(engine: Engine) -> None:
    _fill(engine, 2)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Inside a transaction that is rolled back: the shared test database keeps its trigger.
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete"))
            assert not is_protected_on(conn)
            conn.rollback()
            return
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))
    result = verify(engine)
    assert result.ok and not result.protected


def is_protected_on(conn: Connection) -> bool:
    rows = conn.execute(
        text(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass "
            "AND NOT tgisinternal AND tgenabled IN ('O', 'A')"
        )
    )
    return TRIGGERS["postgresql"] <= {r[0] for r in rows}


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_plain_sql_update_and_delete_are_refused(engine: Engine, statement: str) -> None:
    _fill(engine, 2)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from audit_log")).scalar() == 2
    assert verify(engine).ok


def test_truncate_is_refused_for_the_application_role(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; DELETE is refused above")
    _fill(engine, 2)
    role = "audit_test_app_role"
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        # A non-superuser with the TRUNCATE privilege still cannot empty the log.
        conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
        conn.execute(text(f"GRANT TRUNCATE ON audit_log TO {role}"))
        conn.execute(text(f"SET LOCAL ROLE {role}"))
        conn.execute(text("TRUNCATE audit_log"))
    with engine.begin() as conn:  # the failed transaction rolled the role back too
        conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        assert conn.execute(text("select count(*) from audit_log")).scalar() == 2


def test_edited_entry_is_pinpointed(engine: Engine) -> None:
    _fill(engine)
    with tampering(engine) as conn:
        conn.execute(text("UPDATE audit_log SET purpose = 'research' WHERE seq = 3"))
    result = verify(engine)
    assert not result.ok
    assert (result.first_bad_seq, result.problem) == (3, "edited")
    assert result.entries == 2


def test_deleted_entry_is_pinpointed(engine: Engine) -> None:
    _fill(engine)
    with tampering(engine) as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 4"))
    result = verify(engine)
    assert (result.ok, result.first_bad_seq, result.problem) == (False, 4, "deleted")


def test_deleted_first_entry_is_pinpointed(engine: Engine) -> None:
    _fill(engine)
    with tampering(engine) as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 1"))
    result = verify(engine)
    assert (result.first_bad_seq, result.problem) == (1, "deleted")


def test_deleted_and_renumbered_entries_are_detected(engine: Engine) -> None:
    _fill(engine)
    with tampering(engine) as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
        for seq in range(3, 7):
            conn.execute(
                text("UPDATE audit_log SET seq = :new WHERE seq = :old"),
                {"new": seq - 1, "old": seq},
            )
    result = verify(engine)
    assert (result.first_bad_seq, result.problem) == (2, "deleted")


def test_reordered_entries_are_detected(engine: Engine) -> None:
    _fill(engine)
    with tampering(engine) as conn:  # swap the positions of entries 2 and 3
        conn.execute(text("UPDATE audit_log SET seq = -1 WHERE seq = 2"))
        conn.execute(text("UPDATE audit_log SET seq = 2 WHERE seq = 3"))
        conn.execute(text("UPDATE audit_log SET seq = 3 WHERE seq = -1"))
    result = verify(engine)
    assert (result.first_bad_seq, result.problem) == (2, "reordered"), str(result)


def test_rewritten_and_rehashed_entry_is_detected(engine: Engine) -> None:
    """An attacker who recomputes the edited entry's hash still breaks the next link."""
    _fill(engine)
    with Session(engine) as session:
        from openhhs.audit.models import AuditEntry

        entry = session.get(AuditEntry, 3)
        assert entry is not None
        fields = entry_fields(entry) | {"actor": "someone_else"}
        forged = entry_hash(entry.prev_hash, fields)
    with tampering(engine) as conn:
        conn.execute(
            text("UPDATE audit_log SET actor = 'someone_else', hash = :h WHERE seq = 3"),
            {"h": forged},
        )
    result = verify(engine)
    assert (result.first_bad_seq, result.problem) == (3, "replaced"), str(result)


def test_truncated_tail_shows_in_the_head(engine: Engine) -> None:
    """Removing the newest entries leaves a valid shorter chain: the head is the anchor."""
    _fill(engine)
    before = verify(engine)
    with tampering(engine) as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq >= 5"))
    after = verify(engine)
    assert after.ok and (after.head_seq, before.head_seq) == (4, 6)
    assert after.head_hash != before.head_hash
    anchored = verify(engine, anchor=(before.head_seq or 0, before.head_hash or ""))
    assert (anchored.ok, anchored.first_bad_seq, anchored.problem) == (False, 5, "truncated")


def test_anchor_catches_a_log_rebuilt_with_new_hashes(engine: Engine) -> None:
    _fill(engine)
    anchor = verify(engine)
    assert verify(engine, anchor=(anchor.head_seq or 0, anchor.head_hash or "")).ok
    with Session(engine) as session:  # recompute the whole chain after editing entry 2
        from openhhs.audit.models import AuditEntry

        rows = [entry_fields(e) for e in session.query(AuditEntry).order_by(AuditEntry.seq)]
    rows[1]["actor"] = "mallory"
    prev = GENESIS
    with tampering(engine) as conn:
        for fields in rows:
            digest = entry_hash(prev, fields)
            conn.execute(
                text("UPDATE audit_log SET actor = :a, prev_hash = :p, hash = :h WHERE seq = :s"),
                {"a": fields["actor"], "p": prev, "h": digest, "s": fields["seq"]},
            )
            prev = digest
    assert verify(engine).ok  # a consistent forgery: only the anchor can tell
    result = verify(engine, anchor=(anchor.head_seq or 0, anchor.head_hash or ""))
    assert (result.first_bad_seq, result.problem) == (6, "rewritten")


def _run_in_threads(work: Callable[[int], None], threads: int) -> None:
    """`work(n)` for n in range(threads), all at once; fails with whatever a thread raised."""
    errors: list[BaseException] = []

    def guarded(n: int) -> None:
        try:
            work(n)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    started = [threading.Thread(target=guarded, args=(n,)) for n in range(threads)]
    for t in started:
        t.start()
    for t in started:
        t.join()
    assert not errors, errors


def test_concurrent_writers_keep_one_chain(engine: Engine) -> None:
    def writer(n: int) -> None:
        for i in range(8):
            record_committed(engine, actor=f"w{n}", action="read", person_id=f"P{i}")

    _run_in_threads(writer, 4)
    result = verify(engine)
    assert result.ok and result.entries == 32, str(result)


def test_writers_that_read_first_still_chain(engine: Engine) -> None:
    """Like enforce(): read person data in the request's session, then record, then commit."""

    def request(n: int) -> None:
        for i in range(5):
            with Session(engine) as session:
                session.execute(text("select count(*) from audit_log")).scalar()
                record(session, actor=f"w{n}", action="read", person_id=f"P{i}")
                session.commit()

    _run_in_threads(request, 3)
    assert verify(engine).entries == 15


def test_a_writer_waiting_for_the_lock_continues_after_the_entry_it_waited_for(
    engine: Engine,
) -> None:
    """On PostgreSQL the lock and the head read go in one round trip: the read must still see
    the entry whose commit released the lock, even though the waiting transaction had read
    (and so had a snapshot) before it asked for the lock."""
    first = Session(engine)
    record(first, actor="first", action="read", person_id="P1")  # holds the chain's lock
    got: list[int] = []

    def second() -> None:
        with Session(engine) as session:
            session.execute(text("select count(*) from audit_log")).scalar()
            got.append(record(session, actor="second", action="read", person_id="P2").seq)
            session.commit()

    th = threading.Thread(target=second)
    th.start()
    th.join(timeout=0.5)
    assert th.is_alive(), "the second writer should wait for the first's lock"
    first.commit()
    first.close()
    th.join(timeout=10)
    assert got == [2]
    result = verify(engine)
    assert result.ok and result.entries == 2, str(result)


def test_hostile_content_is_stored_and_still_verifies(engine: Engine) -> None:
    """NUL bytes, lone surrogates, NaN and odd objects must not make auditing fail."""
    import datetime as dt

    nasty = "a\x00b\ud800c'; drop table audit_log; --"
    with Session(engine) as session, session.begin():
        entry = record(
            session,
            actor=nasty,
            action="read",
            person_id=nasty,
            elements=nasty,  # a single string is one element, not a list of characters
            detail={
                "nan": float("nan"),
                "inf": float("-inf"),
                nasty: [nasty, {1, 2}, dt.date(2026, 1, 1), b"bytes", object()],
            },
        )
        assert "\x00" not in entry.actor and len(entry.elements) == 1
    result = verify(engine)
    assert result.ok, str(result)


def test_person_history_newest_first(engine: Engine) -> None:
    _fill(engine)
    with Session(engine) as session:
        history = person_history(session, "EID-1")
        assert [e.seq for e in history] == [5, 2]
        assert {e.person_id for e in history} == {"EID-1"}
        assert person_history(session, "nobody") == []


def test_record_defaults_and_validation(session: Session) -> None:
    denied = record(
        session,
        actor="jdoe",
        action=AuditAction.DENY,
        person_id=42,
        detail={"reason": "not shared with your role under any agreement"},
    )
    assert denied.outcome == AuditOutcome.DENIED and denied.person_id == "42"
    with pytest.raises(InvalidInput):
        record(session, actor="jdoe", action="peek")
    with pytest.raises(InvalidInput):
        record(session, actor="jdoe", action="read", outcome="maybe")
    assert record(session, actor="", action="read").actor == "unknown"
    long = record(session, actor="x" * 500, action="login", elements=("b", "a", "a"))
    assert len(long.actor) == 200 and long.elements == ["a", "b"]
    import datetime as dt

    naive = record(session, actor="jdoe", action="read", at=dt.datetime(2026, 1, 2, 3, 4, 5))
    assert naive.at == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    huge = record(
        session,
        actor="jdoe",
        action="read",
        detail={"blob": "x" * 100_000},
        elements=[f"e{i}" for i in range(10_000)],
    )
    assert huge.detail["truncated"] is True and len(huge.elements) == 500
    session.commit()
    assert verify(session.get_bind()).ok  # type: ignore[arg-type]


def test_many_entries_in_one_transaction_chain_across_savepoints(engine: Engine) -> None:
    """`record` reads the chain's head once per transaction; a savepoint rolled back after
    its entries must not leave the next entry chained to one that is gone."""
    with Session(engine) as session, session.begin():
        first = [record(session, actor="w", action="read", person_id=f"P{i}") for i in range(3)]
        assert [e.seq for e in first] == [1, 2, 3]
        assert first[1].prev_hash == first[0].hash and first[2].prev_hash == first[1].hash
        savepoint = session.begin_nested()
        record(session, actor="w", action="read", person_id="gone")
        savepoint.rollback()
        after = record(session, actor="w", action="read", person_id="P3")
        assert (after.seq, after.prev_hash) == (4, first[2].hash)
        with session.begin_nested():
            inner = record(session, actor="w", action="read", person_id="P4")
        last = record(session, actor="w", action="read", person_id="P5")
        assert (inner.seq, last.seq, last.prev_hash) == (5, 6, inner.hash)
    with Session(engine) as session:
        record(session, actor="w", action="read", person_id="P6")
        session.rollback()
        again = record(session, actor="w", action="read", person_id="P6")
        assert again.seq == 7  # the rolled-back entry's head is not reused
        session.commit()
    result = verify(engine)
    assert result.ok and result.entries == 7, str(result)


def test_concurrent_transactions_of_many_entries_keep_one_chain(engine: Engine) -> None:
    def writer(n: int) -> None:
        for i in range(4):
            with Session(engine) as session:
                session.execute(text("select 1")).scalar()
                for j in range(5):
                    record(session, actor=f"w{n}", action="read", person_id=f"P{i}-{j}")
                session.commit()

    _run_in_threads(writer, 3)
    result = verify(engine)
    assert result.ok and result.entries == 60, str(result)


def test_a_batch_inserts_its_entries_together_and_they_chain(engine: Engine) -> None:
    _fill(engine, 2)
    with Session(engine) as s:
        with batch(s):
            for n in range(5):
                record(s, actor=f"batch{n}", action="read", person_id="E1")
            # nothing is written until the block ends
            assert s.scalar(select(func.count()).select_from(AuditEntry)) == 2
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 7
        s.commit()
    result = verify(engine)
    assert result.ok and result.entries == 7


def test_a_failed_batch_writes_nothing_and_the_chain_goes_on(engine: Engine) -> None:
    _fill(engine, 2)
    with Session(engine) as s:
        with pytest.raises(RuntimeError), batch(s):
            record(s, actor="lost", action="read")
            raise RuntimeError("the page failed")
        # same transaction, after the failed block: the next entry follows the stored head
        record(s, actor="kept", action="read")
        s.commit()
    result = verify(engine)
    assert result.ok and result.entries == 3
    with Session(engine) as s:
        assert "lost" not in set(s.scalars(select(AuditEntry.actor)))
