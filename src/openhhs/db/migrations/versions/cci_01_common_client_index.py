"""common client index: enterprise ids, links, events, real-time index, review, golden overrides

Revision ID: cci_01
Revises: 0001
Create Date: 2026-11-23 11:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "cci_01"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _person_fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["source_person.id"],
        name=op.f(f"fk_{table}_{column}_source_person"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "cci_enterprise_id",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("merged_into", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into"],
            ["cci_enterprise_id.id"],
            name=op.f("fk_cci_enterprise_id_merged_into_cci_enterprise_id"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cci_enterprise_id")),
    )
    op.create_index(
        op.f("ix_cci_enterprise_id_status"), "cci_enterprise_id", ["status"], unique=False
    )

    op.create_table(
        "cci_link",
        sa.Column("source_person_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["cci_enterprise_id.id"],
            name=op.f("fk_cci_link_enterprise_id_cci_enterprise_id"),
        ),
        _person_fk("source_person_id", "cci_link"),
        sa.PrimaryKeyConstraint("source_person_id", name=op.f("pk_cci_link")),
    )
    op.create_index(op.f("ix_cci_link_enterprise_id"), "cci_link", ["enterprise_id"], unique=False)

    op.create_table(
        "cci_eid_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("enterprise_id", sa.String(length=16), nullable=False),
        sa.Column("other_enterprise_id", sa.String(length=16), nullable=True),
        sa.Column("before", _json(), nullable=False),
        sa.Column("after", _json(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cci_eid_event")),
    )
    op.create_index(op.f("ix_cci_eid_event_kind"), "cci_eid_event", ["kind"], unique=False)
    op.create_index(
        op.f("ix_cci_eid_event_enterprise_id"), "cci_eid_event", ["enterprise_id"], unique=False
    )

    op.create_table(
        "cci_match_features",
        sa.Column("source_person_id", sa.Integer(), nullable=False),
        sa.Column("features", _json(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _person_fk("source_person_id", "cci_match_features"),
        sa.PrimaryKeyConstraint("source_person_id", name=op.f("pk_cci_match_features")),
    )

    op.create_table(
        "cci_block_key",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("source_person_id", sa.Integer(), nullable=False),
        _person_fk("source_person_id", "cci_block_key"),
        sa.PrimaryKeyConstraint("key", "source_person_id", name=op.f("pk_cci_block_key")),
    )
    op.create_index(
        "ix_cci_block_key_source_person_id", "cci_block_key", ["source_person_id"], unique=False
    )

    op.create_table(
        "cci_term_frequency",
        sa.Column("column_name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("tf", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("column_name", "value", name=op.f("pk_cci_term_frequency")),
    )

    op.create_table(
        "cci_review_item",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("left_id", sa.Integer(), nullable=False),
        sa.Column("right_id", sa.Integer(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("breakdown", _json(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _person_fk("left_id", "cci_review_item"),
        _person_fk("right_id", "cci_review_item"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cci_review_item")),
    )
    op.create_index("ix_cci_review_item_pair", "cci_review_item", ["left_id", "right_id"])
    op.create_index(op.f("ix_cci_review_item_status"), "cci_review_item", ["status"], unique=False)

    op.create_table(
        "cci_pair_label",
        sa.Column("left_id", sa.Integer(), nullable=False),
        sa.Column("right_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _person_fk("left_id", "cci_pair_label"),
        _person_fk("right_id", "cci_pair_label"),
        sa.PrimaryKeyConstraint("left_id", "right_id", name=op.f("pk_cci_pair_label")),
    )

    op.create_table(
        "cci_golden_override",
        sa.Column("enterprise_id", sa.String(length=16), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("value", _json(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["cci_enterprise_id.id"],
            name=op.f("fk_cci_golden_override_enterprise_id_cci_enterprise_id"),
        ),
        sa.PrimaryKeyConstraint("enterprise_id", "field", name=op.f("pk_cci_golden_override")),
    )


def downgrade() -> None:
    for table in (
        "cci_golden_override",
        "cci_pair_label",
        "cci_review_item",
        "cci_term_frequency",
        "cci_block_key",
        "cci_match_features",
        "cci_eid_event",
        "cci_link",
        "cci_enterprise_id",
    ):
        op.drop_table(table)
