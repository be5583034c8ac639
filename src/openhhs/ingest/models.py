"""The ingest ledger: lineage and change detection for rows the common model keeps no key for.

Household members, incomes, HMIS bed-night services and reference rows (HMIS Organization, User,
Export) have no `(source_system, source_id)` of their own in the common model. Each such input
row gets one ledger row here, so it too is stored, hashed (re-loads change nothing), tombstoned
when it disappears from a full extract, and traceable to its batch, file and row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openhhs.db.base import Base, utcnow


class IngestRow(Base):
    __tablename__ = "ingest_row"
    __table_args__ = (UniqueConstraint("source_system_id", "entity", "source_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_system_id: Mapped[str] = mapped_column(String(64), ForeignKey("source_system.id"))
    entity: Mapped[str] = mapped_column(String(32))  # household_member, income, hmis_service...
    source_id: Mapped[str] = mapped_column(String(200))
    target_table: Mapped[str | None] = mapped_column(String(64))  # None: kept in the ledger only
    target_id: Mapped[int | None] = mapped_column(Integer)
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    record_hash: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_batch.id"), index=True)
    source_file: Mapped[str | None] = mapped_column(String(512))
    source_row: Mapped[int | None] = mapped_column(Integer)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
