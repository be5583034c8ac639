"""Document metadata: a federated index; the content stays with the agency that owns it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openhhs.db.base import Base
from openhhs.model._columns import SourceRecord, code
from openhhs.model.codes import DocumentType, SensitiveCategory


class Document(SourceRecord, Base):
    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("source_system_id", "source_id"),)

    source_person_id: Mapped[int] = mapped_column(
        ForeignKey("source_person.id", ondelete="CASCADE"), index=True
    )
    doc_type: Mapped[DocumentType] = code(DocumentType)
    title: Mapped[str | None] = mapped_column(String(200))
    issuer: Mapped[str | None] = mapped_column(String(200))
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    sha256: Mapped[str | None] = mapped_column(String(64))
    media_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    location_uri: Mapped[str | None] = mapped_column(String(500))  # where the owner keeps it
    sensitive_category: Mapped[SensitiveCategory | None] = code(SensitiveCategory)
