"""Property: whatever single entry an attacker edits, verify finds that entry (SQLite copy)."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.orm import Session

from openhhs.audit import record, verify
from openhhs.db import make_engine

EDITS = {
    "actor": "mallory",
    "purpose": "research",
    "person_id": "EID-999",
    "elements": '["person.ssn"]',
    "agreement_id": "dsa-none",
    "outcome": "success",
    "detail": "{}",
    "at": "2001-01-01 00:00:00.000000",
}


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seq=st.integers(1, 8), column=st.sampled_from(sorted(EDITS)))
def test_any_single_edit_is_located(
    sqlite_template: Path, tmp_path: Path, seq: int, column: str
) -> None:
    path = tmp_path / f"audit-{seq}-{column}.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        with Session(engine) as session, session.begin():
            for i in range(8):
                record(
                    session,
                    actor="jdoe",
                    action="deny" if i == 3 else "read",
                    purpose="case_management",
                    person_id=f"EID-{i}",
                    elements=["person.name"],
                    agreement_id="dsa-1",
                    detail={"i": i},
                )
        assert verify(engine).ok
        with engine.begin() as conn:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            # `column` comes from the fixed EDITS keys, never from input.
            update = text(f"UPDATE audit_log SET {column} = :v WHERE seq = :s")  # noqa: S608
            conn.execute(update, {"v": EDITS[column], "s": seq})
        result = verify(engine)
        changed = not result.ok
        if changed:
            assert (result.first_bad_seq, result.problem) == (seq, "edited"), str(result)
        else:  # the edit wrote the value that was already there
            assert column == "outcome" and seq != 4  # entry 4 is the one denial
    finally:
        engine.dispose()
