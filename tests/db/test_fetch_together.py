"""`fetch_together`: several selects in one round trip give exactly what each gives alone."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Enum,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    select,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from openhhs.db.columns import execute_columns, fetch_together


class Colour(enum.StrEnum):
    RED = "red"
    DARK_BLUE = "dark blue"


_meta = MetaData()
_things = Table(
    "test_fetch_together_things",
    _meta,
    Column("id", Integer, primary_key=True),
    Column("name", String(200)),
    Column("colour", Enum(Colour, native_enum=False, length=20)),
    Column("born", Date),
    Column("seen_at", DateTime(timezone=True)),
    Column("tags", JSON),
    Column("flag", Boolean),
)
_IDS = bindparam("ids", expanding=True)
_BY_IDS = select(_things).where(_things.c.id.in_(_IDS)).order_by(_things.c.id)
_BY_NAME = select(_things.c.id, _things.c.name).where(_things.c.name == bindparam("name"))
_BY_COLOUR = select(_things.c.id, _things.c.colour).where(
    _things.c.colour == bindparam("colour"), _things.c.born >= bindparam("since")
)
_BY_COLOURS = select(_things.c.id).where(_things.c.colour.in_(bindparam("colours", expanding=True)))
_COUNT = select(func.count()).select_from(_things)
_TRICKY = "O'Brien; DROP TABLE x; -- 100% %(ids)s \\ é 中 \U0001f600"


@pytest.fixture
def things(engine: Engine) -> Iterator[Session]:
    _meta.create_all(engine)
    rows: list[dict[str, Any]] = [
        {
            "id": 1,
            "name": _TRICKY,
            "colour": Colour.DARK_BLUE,
            "born": dt.date(1980, 2, 29),
            "seen_at": dt.datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=dt.UTC),
            "tags": ["a", {"b": 1}],
            "flag": True,
        },
        {
            "id": 2,
            "name": None,
            "colour": None,
            "born": None,
            "seen_at": None,
            "tags": None,
            "flag": None,
        },
        {"id": 3, "name": "Ana", "colour": Colour.RED, "born": dt.date(2001, 1, 1)}
        | {"seen_at": None, "tags": [], "flag": False},
    ]
    with engine.begin() as conn:
        conn.execute(_things.insert(), rows)
    with Session(engine) as s:
        yield s
    _meta.drop_all(engine)


def _reads() -> list[tuple[Any, dict[str, Any]]]:
    return [
        (_BY_IDS, {"ids": [3, 1, 99]}),
        (_BY_IDS, {"ids": []}),  # an empty IN list
        (_BY_NAME, {"name": _TRICKY}),
        (_BY_COLOUR, {"colour": Colour.DARK_BLUE, "since": dt.date(1970, 1, 1)}),
        (_COUNT, {}),
        (_BY_IDS, {"ids": [2]}),
        (_BY_COLOURS, {"colours": [Colour.RED, Colour.DARK_BLUE]}),
    ]


def test_rows_are_those_of_each_select_alone(things: Session) -> None:
    alone = [execute_columns(things, stmt, params).all() for stmt, params in _reads()]
    together = fetch_together(things, _reads())
    assert [[tuple(r) for r in rows] for rows in together] == [
        [tuple(r) for r in rows] for rows in alone
    ]
    first = together[0][0]
    assert first.colour is Colour.DARK_BLUE  # the enum's result processor ran
    assert first.name == _TRICKY
    assert first.seen_at.replace(tzinfo=None) == dt.datetime(2026, 1, 2, 3, 4, 5, 678000)
    assert together[2] and together[2][0].id == 1  # quotes, %, ; and -- were values, not SQL
    assert [r.id for r in together[3]] == [1]  # the enum parameter was bound by name
    assert sorted(r.id for r in together[6]) == [1, 3]  # and so were an expanded list's


def test_a_failing_select_raises_a_sqlalchemy_error(things: Session) -> None:
    broken = select(func.no_such_function(_things.c.id))
    with pytest.raises(DBAPIError):
        fetch_together(things, [(_COUNT, {}), (broken, {})])
    things.rollback()
    assert fetch_together(things, [(_COUNT, {}), (_COUNT, {})]) == [[(3,)], [(3,)]]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))))
def test_any_text_is_bound_as_a_value(things: Session, value: str) -> None:
    """Whatever a caller sends is bound as a value: it comes back, it never runs."""
    echo = select(func.length(bindparam("v", type_=String)), bindparam("v", type_=String))
    [[(length, back)], [(count,)]] = fetch_together(things, [(echo, {"v": value}), (_COUNT, {})])
    assert (length, back) == (len(value), value)
    assert count == 3
