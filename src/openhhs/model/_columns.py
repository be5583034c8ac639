"""Column helpers shared by the common-model tables."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from openhhs.db.base import utcnow


def code(enum: type[StrEnum], **kwargs: Any) -> Any:
    """A code-list column stored as its value (not the Python name), checked by the database."""
    return mapped_column(
        Enum(
            enum,
            native_enum=False,
            create_constraint=True,
            length=max(32, *(len(v.value) for v in enum)),
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
            name=None,  # CHECK named by the metadata convention, per column
        ),
        **kwargs,
    )


class AgencyOwned:
    """Rows an agency owns: the unit of agency segregation and PostgreSQL row-level security."""

    @declared_attr
    def agency_id(cls) -> Mapped[str]:
        return mapped_column(String(16), ForeignKey("agency.id"), index=True)


class SourceRecord(AgencyOwned):
    """A record as an agency system sent it, keyed by `(source_system_id, source_id)`.

    Keeps the raw payload, the lineage of the load that wrote it, and tombstones instead of deletes.
    """

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)

    @declared_attr
    def source_system_id(cls) -> Mapped[str]:
        return mapped_column(String(64), ForeignKey("source_system.id"), index=True)

    source_id: Mapped[str] = mapped_column(String(128))
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    record_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the canonical raw payload

    @declared_attr
    def batch_id(cls) -> Mapped[int | None]:
        return mapped_column(Integer, ForeignKey("ingest_batch.id"), index=True)

    source_file: Mapped[str | None] = mapped_column(String(512))
    source_row: Mapped[int | None] = mapped_column(Integer)
    source_updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
