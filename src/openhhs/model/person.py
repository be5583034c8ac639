"""Source person records and their repeating parts (names, addresses, phones, identifiers...).

A `SourcePerson` is one agency's record of one person; the Common Client Index links several of
them to one Enterprise ID. Standardized columns sit beside the raw payload so linkage, search and
analytics read clean values while the agency's own words are kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openhhs.db.base import Base
from openhhs.model._columns import SourceRecord, code
from openhhs.model.codes import (
    AddressKind,
    GenderIdentity,
    IdentifierKind,
    MissingReason,
    NameKind,
    PhoneKind,
    Race,
    Sex,
)


class SourcePerson(SourceRecord, Base):
    __tablename__ = "source_person"
    __table_args__ = (
        UniqueConstraint("source_system_id", "source_id"),
        Index("ix_source_person_name_dob", "last_name", "first_name", "dob"),
        # person search's first-name pre-filter, index-only under row-level security (0004)
        Index(
            "ix_source_person_last_agency_first",
            "last_name",
            "agency_id",
            "first_name",
            "first_name_canonical",
        ),
    )

    # standardized current name (upper case, no diacritics); aliases in PersonName
    first_name: Mapped[str | None] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100), index=True)
    suffix: Mapped[str | None] = mapped_column(String(16))
    first_name_canonical: Mapped[str | None] = mapped_column(String(100))  # nickname -> formal
    last_name_parts: Mapped[list[Any]] = mapped_column(default=list)  # compound surname parts

    dob: Mapped[dt.date | None] = mapped_column(Date, index=True)
    dob_missing: Mapped[MissingReason | None] = code(MissingReason)
    sex: Mapped[Sex | None] = code(Sex)
    sex_missing: Mapped[MissingReason | None] = code(MissingReason)
    gender_identity: Mapped[GenderIdentity | None] = code(GenderIdentity)
    gender_identity_missing: Mapped[MissingReason | None] = code(MissingReason)
    race_missing: Mapped[MissingReason | None] = code(MissingReason)  # races in PersonRace
    ssn: Mapped[str | None] = mapped_column(String(9))  # 9 digits, only when valid
    ssn_last4: Mapped[str | None] = mapped_column(String(4), index=True)
    ssn_missing: Mapped[MissingReason | None] = code(MissingReason)
    primary_language: Mapped[str | None] = mapped_column(String(8))  # ISO 639-3
    language_missing: Mapped[MissingReason | None] = code(MissingReason)

    # current contact, denormalized from the dated tables below for linkage and search
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    street: Mapped[str | None] = mapped_column(String(200))  # USPS Pub 28 normalized
    unit: Mapped[str | None] = mapped_column(String(50))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2))
    zip5: Mapped[str | None] = mapped_column(String(5), index=True)
    borough: Mapped[str | None] = mapped_column(String(20))
    community_district: Mapped[str | None] = mapped_column(String(8))

    # flags raised by standardization, per field: {"dob": ["placeholder"], "ssn": ["invalid_area"]}
    std_flags: Mapped[dict[str, Any]] = mapped_column(default=dict)

    names: Mapped[list[PersonName]] = relationship(cascade="all, delete-orphan")
    addresses: Mapped[list[PersonAddress]] = relationship(cascade="all, delete-orphan")
    phones: Mapped[list[PersonPhone]] = relationship(cascade="all, delete-orphan")
    identifiers: Mapped[list[PersonIdentifier]] = relationship(cascade="all, delete-orphan")
    races: Mapped[list[PersonRace]] = relationship(cascade="all, delete-orphan")
    languages: Mapped[list[PersonLanguage]] = relationship(cascade="all, delete-orphan")


class _PersonPart:
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_person_id: Mapped[int] = mapped_column(
        ForeignKey("source_person.id", ondelete="CASCADE"), index=True
    )


class PersonName(_PersonPart, Base):
    __tablename__ = "person_name"

    kind: Mapped[NameKind] = code(NameKind, default=NameKind.LEGAL)
    first: Mapped[str | None] = mapped_column(String(100))
    middle: Mapped[str | None] = mapped_column(String(100))
    last: Mapped[str | None] = mapped_column(String(100))
    suffix: Mapped[str | None] = mapped_column(String(16))
    raw: Mapped[str | None] = mapped_column(String(300))


class PersonAddress(_PersonPart, Base):
    __tablename__ = "person_address"

    kind: Mapped[AddressKind] = code(AddressKind, default=AddressKind.RESIDENTIAL)
    street: Mapped[str | None] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(50))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2))
    zip5: Mapped[str | None] = mapped_column(String(5))
    borough: Mapped[str | None] = mapped_column(String(20))
    community_district: Mapped[str | None] = mapped_column(String(8))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    raw: Mapped[str | None] = mapped_column(String(500))


class PersonPhone(_PersonPart, Base):
    __tablename__ = "person_phone"

    kind: Mapped[PhoneKind] = code(PhoneKind, default=PhoneKind.OTHER)
    e164: Mapped[str | None] = mapped_column(String(20))
    raw: Mapped[str | None] = mapped_column(String(50))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class PersonIdentifier(_PersonPart, Base):
    __tablename__ = "person_identifier"
    __table_args__ = (Index("ix_person_identifier_kind_value", "kind", "value"),)

    kind: Mapped[IdentifierKind] = code(IdentifierKind)
    value: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str | None] = mapped_column(String(100))


class PersonRace(_PersonPart, Base):
    """One SPD-15 (2024) selection; several rows per person when several were chosen."""

    __tablename__ = "person_race"

    category: Mapped[Race] = code(Race)
    detail: Mapped[str | None] = mapped_column(String(100))  # e.g. "Dominican", "Haitian"


class PersonLanguage(_PersonPart, Base):
    __tablename__ = "person_language"

    language: Mapped[str] = mapped_column(String(8))  # ISO 639-3
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_interpreter: Mapped[bool | None] = mapped_column(Boolean)
