"""The program catalogue and enrollments (service episodes) with the agency worker's contact."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openhhs.db.base import Base
from openhhs.model._columns import SourceRecord, code
from openhhs.model.codes import EnrollmentStatus, ProgramArea, SensitiveCategory


class Program(Base):
    __tablename__ = "program"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # e.g. "HRA.SNAP"
    name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[str] = mapped_column(String(16), ForeignKey("agency.id"), index=True)
    area: Mapped[ProgramArea] = code(ProgramArea)
    s2r_code: Mapped[str | None] = mapped_column(String(8))  # ACCESS NYC program code
    sensitive_category: Mapped[SensitiveCategory | None] = code(SensitiveCategory)
    description: Mapped[str | None] = mapped_column(Text)


class Enrollment(SourceRecord, Base):
    __tablename__ = "enrollment"
    __table_args__ = (
        UniqueConstraint("source_system_id", "source_id"),
        Index("ix_enrollment_agency_case", "agency_id", "case_number"),
    )

    source_person_id: Mapped[int] = mapped_column(
        ForeignKey("source_person.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[str] = mapped_column(String(64), ForeignKey("program.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    status: Mapped[EnrollmentStatus] = code(EnrollmentStatus)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    case_number: Mapped[str | None] = mapped_column(String(64))
    worker_name: Mapped[str | None] = mapped_column(String(200))
    worker_phone: Mapped[str | None] = mapped_column(String(20))
    worker_email: Mapped[str | None] = mapped_column(String(200))
    worker_office: Mapped[str | None] = mapped_column(String(200))
