"""Index cci_enterprise_id.merged_into.

The decision point looks up the Enterprise IDs merged into a person (consent follows merges)
for every person of every search page and every snapshot; without an index that was a full
scan of the id table (about 5 ms per person at 100k people).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_cci_enterprise_id_merged_into"),
        "cci_enterprise_id",
        ["merged_into"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_cci_enterprise_id_merged_into"), table_name="cci_enterprise_id")
