"""Ingest batches and quarantined rows: every stored row knows its load; none dropped silently."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from openhhs.db.base import Base, utcnow
from openhhs.model._columns import code
from openhhs.model.codes import BatchMode, BatchStatus


class IngestBatch(Base):
    __tablename__ = "ingest_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_system_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("source_system.id"), index=True
    )
    file_name: Mapped[str | None] = mapped_column(String(512))
    file_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    mode: Mapped[BatchMode] = code(BatchMode)
    status: Mapped[BatchStatus] = code(BatchStatus, default=BatchStatus.RUNNING)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_inserted: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_quarantined: Mapped[int] = mapped_column(Integer, default=0)
    rows_tombstoned: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)


class QuarantinedRow(Base):
    __tablename__ = "quarantined_row"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("ingest_batch.id", ondelete="CASCADE"), index=True
    )
    source_system_id: Mapped[str] = mapped_column(String(64), ForeignKey("source_system.id"))
    file_name: Mapped[str | None] = mapped_column(String(512))
    row_number: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str | None] = mapped_column(Text)  # the row exactly as read, so nothing is lost
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
