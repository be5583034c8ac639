"""Agencies and the source systems each one runs."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openhhs.db.base import Base


class Agency(Base):
    __tablename__ = "agency"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # e.g. "HRA"
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)

    source_systems: Mapped[list[SourceSystem]] = relationship(back_populates="agency")


class SourceSystem(Base):
    __tablename__ = "source_system"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # e.g. "hra_welfare"
    agency_id: Mapped[str] = mapped_column(String(16), ForeignKey("agency.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[Agency] = relationship(back_populates="source_systems")
