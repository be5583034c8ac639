"""The model registry table: every trained linkage model, versioned, with its training report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from openhhs.db.base import Base, utcnow

STATUS_CANDIDATE = "candidate"  # trained, not (yet) promoted
STATUS_CURRENT = "current"  # the one batch and online matching use; at most one row
STATUS_RETIRED = "retired"  # was current once
STATUS_REFUSED = "refused"  # failed the promotion gate (its report says why)


class LinkageModelRow(Base):
    __tablename__ = "linkage_model"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=STATUS_CANDIDATE, index=True)
    document: Mapped[dict[str, Any]] = mapped_column()  # LinkageModel.to_dict()
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    promoted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
