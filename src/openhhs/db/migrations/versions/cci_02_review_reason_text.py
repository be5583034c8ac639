"""cci: review reasons are sentences ("second-best candidate too close"), not codes

Revision ID: cci_02
Revises: cci_01
Create Date: 2026-11-23 11:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cci_02"
down_revision: str | Sequence[str] | None = "cci_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cci_review_item") as batch:
        batch.alter_column(
            "reason", existing_type=sa.String(length=16), type_=sa.String(length=200)
        )


def downgrade() -> None:
    with op.batch_alter_table("cci_review_item") as batch:
        batch.alter_column(
            "reason", existing_type=sa.String(length=200), type_=sa.String(length=16)
        )
