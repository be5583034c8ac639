"""The audit log table: one append-only, hash-chained row per audited event.

`seq` is assigned by `record` (last + 1 under a lock), not by the database, so a gap is a
deletion; every row's `hash` covers its content, its `seq` and the previous row's hash.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from openhhs.db.base import Base
from openhhs.model._columns import code


class AuditAction(StrEnum):
    READ = "read"  # person-level data returned (elements lists which)
    WRITE = "write"
    DENY = "deny"  # a request refused by policy
    EXPORT = "export"
    LOGIN = "login"
    ADMIN = "admin"  # agreements, roles, consent, configuration changed


class AuditOutcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


class AuditEntry(Base):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    actor_agency: Mapped[str | None] = mapped_column(String(16))
    purpose: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[AuditAction] = code(AuditAction)
    person_id: Mapped[str | None] = mapped_column(String(64), index=True)
    elements: Mapped[list[Any]] = mapped_column(default=list)
    agreement_id: Mapped[str | None] = mapped_column(String(128))
    outcome: Mapped[AuditOutcome] = code(AuditOutcome)
    request_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
