"""access: PostgreSQL row-level security on agency-owned tables (defence in depth)

The app connects as a member of the non-owner role `openhhs_app` and sets the acting agencies of
each transaction (`openhhs.access.rls.set_acting_agencies`, i.e. `set_config('openhhs.agency',
'HRA,DHS', true)`). Rows of other agencies are then invisible even to a query that forgets the
application's own filter. The owner (migrations, batch linkage) is not subject to these policies.
SQLite has no row-level security: nothing to do there.

Revision ID: access_02
Revises: access_01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "access_02"
down_revision: str | Sequence[str] | None = "access_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "openhhs_app"
ACTING = "string_to_array(current_setting('openhhs.agency', true), ',')"
# tables with their own agency_id column
OWNED = (
    "source_person",
    "household",
    "household_member",
    "income",
    "expense",
    "enrollment",
    "event",
    "document",
)
# parts of a source person: visible when the person record is
PERSON_PARTS = (
    "person_name",
    "person_address",
    "person_phone",
    "person_identifier",
    "person_race",
    "person_language",
)
# load bookkeeping that carries raw rows: visible to the agency of the source system
BY_SOURCE_SYSTEM = ("ingest_batch", "quarantined_row")
POLICY = "openhhs_agency_isolation"
PART_VISIBLE = "EXISTS (SELECT 1 FROM source_person sp WHERE sp.id = $T.source_person_id)"
SYSTEM_VISIBLE = (
    "EXISTS (SELECT 1 FROM source_system s WHERE s.id = $T.source_system_id "
    "AND s.agency_id = ANY ($ACTING))"
).replace("$ACTING", ACTING)


def _policy(table: str, predicate: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
    op.execute(f"CREATE POLICY {POLICY} ON {table} USING ({predicate}) WITH CHECK ({predicate})")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Roles are cluster-wide; several databases (tests, tenants) may run this at once.
    op.execute(
        f"DO $$ BEGIN CREATE ROLE {APP_ROLE} NOLOGIN; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
    op.execute(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}"
    )
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE}"
    )
    # Append-only history: the app may add consent rows, never change or remove them (the
    # trigger of access_01 refuses too; this refuses before it is reached). Same for the audit
    # log when its migration ran first; its own migration guards it otherwise.
    op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON access_consent FROM {APP_ROLE}")
    op.execute(
        "DO $$ BEGIN IF to_regclass('audit_log') IS NOT NULL THEN "
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {APP_ROLE}; END IF; END $$"
    )
    for table in OWNED:
        _policy(table, f"agency_id = ANY ({ACTING})")
    for table in PERSON_PARTS:
        _policy(table, PART_VISIBLE.replace("$T", table))
    for table in BY_SOURCE_SYSTEM:
        _policy(table, SYSTEM_VISIBLE.replace("$T", table))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in OWNED + PERSON_PARTS + BY_SOURCE_SYSTEM:
        op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
