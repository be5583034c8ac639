"""Column selects run on the session's connection, past the ORM's execution layer.

A statement that selects plain columns gains nothing from `Session.execute` but its cost: ORM
compile state, result set-up and row processing, ~0.1-0.2 ms of Python per query, and every
person-level request runs a dozen. The session's transaction (and PostgreSQL's row-level
security settings in it) is the same. Pending ORM changes are flushed first, as the session's
autoflush would, so the read sees what this session wrote.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import CursorResult, Executable
from sqlalchemy.orm import Session

from openhhs.db.writes import has_unflushed


def execute_columns(
    session: Session, statement: Executable, params: Mapping[str, Any] | None = None
) -> CursorResult[*tuple[Any, ...]]:
    if has_unflushed(session):
        session.flush()
    return session.connection().execute(statement, dict(params or {}))
