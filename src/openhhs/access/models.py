"""Access tables: principals, sessions, agreements as loaded, and the consent history."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from openhhs.access.agreement import ApprovalState
from openhhs.db.base import Base, utcnow
from openhhs.model._columns import code


class ConsentStatus(StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class ConsentMethod(StrEnum):
    WRITTEN = "written"  # signed form on file
    ELECTRONIC = "electronic"  # e-signature in an agency system
    VERBAL = "verbal"  # witnessed verbal consent, recorded by a worker
    PORTAL = "portal"  # the resident, signed in


class User(Base):
    """A person who signs in: built-in account (password) or SSO subject."""

    __tablename__ = "access_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    agency_id: Mapped[str] = mapped_column(String(16), index=True)
    unit: Mapped[str | None] = mapped_column(String(100))
    roles: Mapped[list[Any]] = mapped_column(default=list)
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2id; None: SSO only
    sso_subject: Mapped[str | None] = mapped_column(String(200), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ServiceAccount(Base):
    """An agency system (push API client); authenticates with a long random bearer token."""

    __tablename__ = "access_service_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    agency_id: Mapped[str] = mapped_column(String(16), index=True)
    source_system_id: Mapped[str | None] = mapped_column(String(64))
    token_id: Mapped[str] = mapped_column(String(32), unique=True)  # public half of the token
    token_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the secret half
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebSession(Base):
    """A server-side portal session; the cookie carries a random token, the row its sha256."""

    __tablename__ = "access_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256(token)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("access_user.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str | None] = mapped_column(String(40))  # chosen in the portal
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    client_ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class AgreementRecord(Base):
    """One agreement version as loaded from YAML; `state` is the live approval state."""

    __tablename__ = "access_agreement"
    __table_args__ = (PrimaryKeyConstraint("id", "version"),)

    id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    provider_agency: Mapped[str] = mapped_column(String(16), index=True)
    state: Mapped[ApprovalState] = code(ApprovalState)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    spec: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sha256: Mapped[str] = mapped_column(String(64))
    source_file: Mapped[str | None] = mapped_column(String(300))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    state_changed_by: Mapped[str | None] = mapped_column(String(100))
    state_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Consent(Base):
    """One consent event; rows are never updated (a trigger refuses): withdrawal is a new row."""

    __tablename__ = "access_consent"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[ConsentStatus] = code(ConsentStatus)
    withdraws_id: Mapped[int | None] = mapped_column(ForeignKey("access_consent.id"), index=True)
    categories: Mapped[list[Any]] = mapped_column(default=list)
    elements: Mapped[list[Any]] = mapped_column(default=list)
    documents: Mapped[list[Any]] = mapped_column(default=list)
    recipient_agencies: Mapped[list[Any]] = mapped_column(default=list)
    purposes: Mapped[list[Any]] = mapped_column(default=list)
    source_agencies: Mapped[list[Any]] = mapped_column(default=list)  # empty: any provider
    effective_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))
    method: Mapped[ConsentMethod] = code(ConsentMethod)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
