"""Worker Connect's own table: idempotency keys of the agency push API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from openhhs.db.base import Base, utcnow


class IdempotencyKey(Base):
    """A push request already applied: replaying the key returns the stored answer.

    Keyed by the calling principal, so one agency's keys can never collide with another's.
    The request hash makes a reused key with a different body a 409, not a silent replay.
    """

    __tablename__ = "wc_idempotency_key"
    __table_args__ = (PrimaryKeyConstraint("principal_id", "key"),)

    principal_id: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(128))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(500))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
