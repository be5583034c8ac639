"""Dated events in a person's life as agencies record them (shelter entry, booking, move...)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openhhs.db.base import Base
from openhhs.model._columns import SourceRecord, code
from openhhs.model.codes import EventType


class Event(SourceRecord, Base):
    __tablename__ = "event"
    __table_args__ = (
        UniqueConstraint("source_system_id", "source_id"),
        Index("ix_event_type_occurred", "type", "occurred_at"),
    )

    source_person_id: Mapped[int] = mapped_column(
        ForeignKey("source_person.id", ondelete="CASCADE"), index=True
    )
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollment.id"))
    type: Mapped[EventType] = code(EventType)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    site: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
