"""ingest: ledger of rows without a common-model key (members, incomes, HMIS services)

Revision ID: ingest_01
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "ingest_01"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ingest_row",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source_system_id", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("target_table", sa.String(length=64), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("raw", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("record_hash", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("source_file", sa.String(length=512), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["ingest_batch.id"], name=op.f("fk_ingest_row_batch_id_ingest_batch")
        ),
        sa.ForeignKeyConstraint(
            ["source_system_id"],
            ["source_system.id"],
            name=op.f("fk_ingest_row_source_system_id_source_system"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_row")),
        sa.UniqueConstraint(
            "source_system_id",
            "entity",
            "source_id",
            name=op.f("uq_ingest_row_source_system_id_entity_source_id"),
        ),
    )
    with op.batch_alter_table("ingest_row", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ingest_row_batch_id"), ["batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ingest_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ingest_row_batch_id"))
    op.drop_table("ingest_row")
