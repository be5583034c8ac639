"""Column selects run on the session's connection, past the ORM's execution layer.

A statement that selects plain columns gains nothing from `Session.execute` but its cost: ORM
compile state, result set-up and row processing, ~0.1-0.2 ms of Python per query, and every
person-level request runs a dozen. The session's transaction (and PostgreSQL's row-level
security settings in it) is the same. Pending ORM changes are flushed first, as the session's
autoflush would, so the read sees what this session wrote.

`fetch_together` runs several such selects whose parameters are all known up front. On
PostgreSQL each statement is a loopback round trip, and SQLAlchemy's and psycopg's work per
statement comes on top: ~0.3 ms of CPU in all on the 2-core machine, where a snapshot ran 20.
There the selects are sent together in psycopg's pipeline mode, each bound server-side and
prepared after repeated use as SQLAlchemy's own execution would, and the answers read after
one round trip; the rows get the result processors SQLAlchemy would apply. (One query string
of several statements, bound client-side, also takes one round trip, but PostgreSQL then plans
every statement again each time: measured, its CPU went from 1.5 to 6 ms per snapshot.) On
SQLite a statement is a function call in the process, so they simply run one after another.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, CursorResult, Executable, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

from openhhs.db.writes import has_unflushed


def execute_columns(
    session: Session, statement: Executable, params: Mapping[str, Any] | None = None
) -> CursorResult[*tuple[Any, ...]]:
    return _connection(session).execute(statement, dict(params or {}))


def _connection(session: Session) -> Connection:
    if has_unflushed(session):
        session.flush()
    return session.connection()


Read = tuple[Select[*tuple[Any, ...]], Mapping[str, Any]]


def fetch_together(session: Session, reads: Sequence[Read]) -> list[list[Any]]:
    """The rows of each `(select, params)`, in order, as `execute_columns(...).all()` gives them.

    Rows are tuples with the selected columns' keys as attribute names. The selects should be
    built once (module constants): on PostgreSQL each one's compiled form is cached by identity.
    """
    connection = _connection(session)
    if connection.dialect.name != "postgresql" or len(reads) < 2:
        return [list(connection.execute(stmt, dict(params))) for stmt, params in reads]
    return _fetch_postgresql(connection, reads)


@dataclass(frozen=True)
class _Plan:
    compiled: SQLCompiler
    binds: Mapping[str, Callable[[Any], Any]]  # bind name -> the type's bind processor (enums)
    row: Callable[..., Any]  # a namedtuple class: the select's column keys
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column index, result processor)


@lru_cache(maxsize=256)
def _plan(statement: Select[*tuple[Any, ...]], dialect: Dialect) -> _Plan:
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    columns = list(statement.selected_columns)
    processors = []
    for i, column in enumerate(columns):
        process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if process is not None:
            processors.append((i, process))
    binds = {}
    for name, bind in compiled.binds.items():
        process_bind = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process_bind is not None:
            binds[name] = process_bind
    keys = [str(c.key) for c in columns]
    return _Plan(compiled, binds, namedtuple("Row", keys, rename=True), tuple(processors))


def _fetch_postgresql(connection: Connection, reads: Sequence[Read]) -> list[list[Any]]:
    from psycopg import Connection as PsycopgConnection
    from psycopg import Error as PsycopgError

    plans = [_plan(stmt, connection.dialect) for stmt, _ in reads]
    driver = connection.connection.driver_connection
    assert isinstance(driver, PsycopgConnection)
    statement = ""
    try:
        with driver.pipeline():
            cursors = []
            for plan, (_, params) in zip(plans, reads, strict=True):
                state = plan.compiled.construct_expanded_state(dict(params))
                # an expanded IN list's values have their processors in `state`, the rest
                # are the compiled binds' (an enum is stored by name, not by value)
                process = {**plan.binds, **state.processors}
                bound = {
                    name: (process[name](value) if name in process else value)
                    for name, value in state.parameters.items()
                }
                statement = state.statement
                cursor = driver.cursor()
                cursor.execute(statement, bound)
                cursors.append(cursor)
        return [
            _processed(plan, cursor.fetchall()) for plan, cursor in zip(plans, cursors, strict=True)
        ]
    except PsycopgError as exc:
        raise DBAPIError.instance(statement, None, exc, PsycopgError) from exc


def _processed(plan: _Plan, rows: list[Any]) -> list[Any]:
    make = plan.row._make  # type: ignore[attr-defined]
    if not plan.processors:
        return [make(r) for r in rows]
    out = []
    for r in rows:
        values = list(r)
        for i, process in plan.processors:
            values[i] = process(values[i])
        out.append(make(values))
    return out
