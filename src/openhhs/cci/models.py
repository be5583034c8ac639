"""Common Client Index tables: Enterprise IDs, links, events, index, review, golden overrides.

The registry (`cci_enterprise_id` + `cci_link`) is kept apart from any clustering run's labels,
so an Enterprise ID survives re-runs; `cci_eid_event` is the change feed other capabilities read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from openhhs.db.base import Base, utcnow

EID_STATUS_ACTIVE = "active"
EID_STATUS_MERGED = "merged"  # an alias: `merged_into` names the survivor


class EnterpriseId(Base):
    """One Enterprise ID: a random surrogate, never derived from PII, never reused."""

    __tablename__ = "cci_enterprise_id"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default=EID_STATUS_ACTIVE, index=True)
    merged_into: Mapped[str | None] = mapped_column(
        String(16), ForeignKey("cci_enterprise_id.id"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Link(Base):
    """Which Enterprise ID a source person record belongs to (one row per linked record)."""

    __tablename__ = "cci_link"

    source_person_id: Mapped[int] = mapped_column(
        ForeignKey("source_person.id", ondelete="CASCADE"), primary_key=True
    )
    enterprise_id: Mapped[str] = mapped_column(
        String(16), ForeignKey("cci_enterprise_id.id"), index=True
    )
    method: Mapped[str] = mapped_column(String(16))  # batch | online | steward
    match_probability: Mapped[float | None] = mapped_column(Float)
    linked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EidEvent(Base):
    """One create/link/merge/split/relink/unmerge of Enterprise IDs, with membership before/after.

    The autoincrement id is the change-feed cursor (`registry.changes_since`).
    """

    __tablename__ = "cci_eid_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    enterprise_id: Mapped[str] = mapped_column(String(16), index=True)
    other_enterprise_id: Mapped[str | None] = mapped_column(String(16))
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {eid: [source_person_id...]}
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor: Mapped[str] = mapped_column(String(100), default="system")
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MatchFeatures(Base):
    """The comparison features of one source record, as the scorer reads them (see index.py)."""

    __tablename__ = "cci_match_features"

    source_person_id: Mapped[int] = mapped_column(
        ForeignKey("source_person.id", ondelete="CASCADE"), primary_key=True
    )
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class BlockKey(Base):
    """One selective blocking key of one record: the persistent, shared real-time index."""

    __tablename__ = "cci_block_key"
    __table_args__ = (Index("ix_cci_block_key_source_person_id", "source_person_id"),)

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    source_person_id: Mapped[int] = mapped_column(
        ForeignKey("source_person.id", ondelete="CASCADE"), primary_key=True
    )


class TermFrequency(Base):
    """Relative frequency of a value in a TF-adjusted column (Splink's `tf_<column>` lookup)."""

    __tablename__ = "cci_term_frequency"

    column_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), primary_key=True)
    tf: Mapped[float] = mapped_column(Float)


class ReviewItem(Base):
    """An uncertain pair waiting for (or decided by) a data steward."""

    __tablename__ = "cci_review_item"
    __table_args__ = (Index("ix_cci_review_item_pair", "left_id", "right_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    left_id: Mapped[int] = mapped_column(ForeignKey("source_person.id", ondelete="CASCADE"))
    right_id: Mapped[int] = mapped_column(ForeignKey("source_person.id", ondelete="CASCADE"))
    match_weight: Mapped[float] = mapped_column(Float)
    match_probability: Mapped[float] = mapped_column(Float)
    breakdown: Mapped[list[Any]] = mapped_column(default=list)
    reason: Mapped[str] = mapped_column(String(200))  # band, margin or batch's sentence
    origin: Mapped[str] = mapped_column(String(16))  # online | batch
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PairLabel(Base):
    """A steward's sticky decision on a pair: `same` or `different` (never link)."""

    __tablename__ = "cci_pair_label"

    left_id: Mapped[int] = mapped_column(
        ForeignKey("source_person.id", ondelete="CASCADE"), primary_key=True
    )
    right_id: Mapped[int] = mapped_column(
        ForeignKey("source_person.id", ondelete="CASCADE"), primary_key=True
    )
    label: Mapped[str] = mapped_column(String(16))  # same | different
    match_probability: Mapped[float | None] = mapped_column(Float)  # model's score when decided
    source: Mapped[str] = mapped_column(String(16))  # review | unmerge | steward
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GoldenOverride(Base):
    """A steward's manual value for one golden-record field; it wins over survivorship."""

    __tablename__ = "cci_golden_override"

    enterprise_id: Mapped[str] = mapped_column(
        String(16), ForeignKey("cci_enterprise_id.id"), primary_key=True
    )
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"v": value} keeps JSON nulls
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
