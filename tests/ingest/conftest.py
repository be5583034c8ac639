from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, select, text

FIXTURES = Path(__file__).parent / "fixtures"
# Bookkeeping tables that grow with every load by design (one batch record per load).
LOG_TABLES = {"ingest_batch", "alembic_version"}
DATA_TABLES = (
    "source_person",
    "person_name",
    "person_address",
    "person_phone",
    "person_identifier",
    "person_race",
    "person_language",
    "household",
    "household_member",
    "income",
    "expense",
    "enrollment",
    "event",
    "program",
    "ingest_row",
    "quarantined_row",
)


@pytest.fixture
def city(tmp_path: Path) -> Path:
    """A writable copy of the hand-written fixture city (docs/synthetic-city.md layout)."""
    dest = tmp_path / "city"
    shutil.copytree(FIXTURES / "city", dest)
    return dest


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every data table's rows, ordered, for before/after comparisons."""
    md = MetaData()
    md.reflect(engine, only=list(DATA_TABLES))
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name in DATA_TABLES:
            t = md.tables[name]
            out[name] = [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key))]
    return out


def count(engine: Engine, sql: str, **params: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())
