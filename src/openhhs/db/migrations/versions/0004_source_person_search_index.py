"""Index source_person (last_name, agency_id, first_name, first_name_canonical).

Person search reads the distinct first names of a surname's records before fetching candidates
(`openhhs.workerconnect.search`). Under PostgreSQL row-level security the agency condition is
part of every query, and the planner walked the whole agency index (47,000 rows of the 100k
city) filtering on the surname: ~40 ms for SMITH. With the agency in the index the read is an
index-only scan (~1 ms) on both backends.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_source_person_last_agency_first",
        "source_person",
        ["last_name", "agency_id", "first_name", "first_name_canonical"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_source_person_last_agency_first", table_name="source_person")
