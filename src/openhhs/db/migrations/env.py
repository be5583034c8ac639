"""Alembic environment: the engine comes from `openhhs.db.migrate` or OPENHHS_DATABASE_URL."""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from alembic import context

import openhhs.db.registry  # noqa: F401  (fills Base.metadata)
from openhhs.config import Settings
from openhhs.db.base import Base
from openhhs.db.engine import make_engine


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Render code-list columns without a type name, so each CHECK is named after its column."""
    if type_ == "type" and isinstance(obj, sa.Enum) and not obj.native_enum:
        values = ", ".join(repr(v) for v in obj.enums)
        return f"sa.Enum({values}, native_enum=False, create_constraint=True, length={obj.length})"
    if type_ == "type" and isinstance(obj, sa.JSON):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return "sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')"
    return False


config = context.config
engine = config.attributes.get("engine") or make_engine(Settings.from_env().database_url)

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    context.run_migrations()
