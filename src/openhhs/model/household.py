"""Households as an agency records them, with the income and expenses screening needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, Numeric, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openhhs.db.base import Base
from openhhs.model._columns import AgencyOwned, SourceRecord, code
from openhhs.model.codes import (
    ExpenseType,
    Frequency,
    HouseholdRelationship,
    IncomeType,
    Living,
    MissingReason,
    RentalType,
)


class Household(SourceRecord, Base):
    __tablename__ = "household"
    __table_args__ = (UniqueConstraint("source_system_id", "source_id"),)

    living: Mapped[Living | None] = code(Living)
    rental_type: Mapped[RentalType | None] = code(RentalType)
    living_missing: Mapped[MissingReason | None] = code(MissingReason)
    cash_on_hand: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))

    members: Mapped[list[HouseholdMember]] = relationship(cascade="all, delete-orphan")
    expenses: Mapped[list[Expense]] = relationship(cascade="all, delete-orphan")


class HouseholdMember(AgencyOwned, Base):
    __tablename__ = "household_member"
    __table_args__ = (UniqueConstraint("household_id", "source_person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    source_person_id: Mapped[int] = mapped_column(
        ForeignKey("source_person.id", ondelete="CASCADE"), index=True
    )
    relationship_to_head: Mapped[HouseholdRelationship | None] = code(HouseholdRelationship)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class Income(AgencyOwned, Base):
    """One income stream of one person, as of the agency's last recertification."""

    __tablename__ = "income"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_person_id: Mapped[int] = mapped_column(
        ForeignKey("source_person.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[IncomeType] = code(IncomeType)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    frequency: Mapped[Frequency] = code(Frequency)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class Expense(AgencyOwned, Base):
    __tablename__ = "expense"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[ExpenseType] = code(ExpenseType)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    frequency: Mapped[Frequency] = code(Frequency)
