"""access: the migrating (owner) role may SET ROLE openhhs_app for request transactions

The web app switches each person-level read transaction to the non-owner role `openhhs_app`
(`SET LOCAL ROLE openhhs_app`, `openhhs.access.rls.act_as_app`) so that row-level security
applies even though it connects as the owner. That needs membership in `openhhs_app`: a superuser
has it implicitly; any other owner is granted it here (since PostgreSQL 16 the creator of a role
holds only ADMIN on it, not SET). The audit log stays append-only for the app role whichever
order the migrations ran in. SQLite: nothing to do.

Revision ID: access_03
Revises: access_02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "access_03"
down_revision: str | Sequence[str] | None = "access_02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "openhhs_app"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Roles are cluster-wide and several databases may migrate at once: a concurrent identical
    # grant is not an error.
    op.execute(
        "DO $$ BEGIN "
        "IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
        "AND NOT pg_has_role(current_user, 'openhhs_app', 'MEMBER') THEN "
        "EXECUTE format('GRANT openhhs_app TO %I', current_user); END IF; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )
    op.execute(
        "DO $$ BEGIN IF to_regclass('audit_log') IS NOT NULL THEN "
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {APP_ROLE}; END IF; END $$"
    )


def downgrade() -> None:
    # Membership is harmless without the SET ROLE of the app; revoking it could break another
    # database of the same cluster that still uses it.
    pass
