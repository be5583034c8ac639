"""Join the capabilities' migration branches into one head.

Each capability added its tables on a branch from 0001 while they were built in parallel; this
revision has no operations and only gives `alembic heads` (and `make migration`) a single parent.

Revision ID: 0002
Revises: access_03, audit_01, cci_02, ingest_01, linkage_01, workerconnect_01
"""

from collections.abc import Sequence

revision: str = "0002"
down_revision: str | Sequence[str] | None = (
    "access_03",
    "audit_01",
    "cci_02",
    "ingest_01",
    "linkage_01",
    "workerconnect_01",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
