"""linkage model registry

Revision ID: linkage_01
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "linkage_01"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "linkage_model",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("report", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_model")),
        sa.UniqueConstraint("version", name=op.f("uq_linkage_model_version")),
    )
    op.create_index(op.f("ix_linkage_model_status"), "linkage_model", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_linkage_model_status"), table_name="linkage_model")
    op.drop_table("linkage_model")
