"""access: principals, sessions, agreements, consent (immutable rows)

Revision ID: access_01
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "access_01"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_IMMUTABLE = "access_consent rows are immutable; record a withdrawal as a new row"


def upgrade() -> None:
    op.create_table(
        "access_agreement",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("provider_agency", sa.String(length=16), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "approved",
                "withdrawn",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("spec", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source_file", sa.String(length=300), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state_changed_by", sa.String(length=100), nullable=True),
        sa.Column("state_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", "version", name=op.f("pk_access_agreement")),
    )
    with op.batch_alter_table("access_agreement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_access_agreement_provider_agency"), ["provider_agency"], unique=False
        )

    op.create_table(
        "access_consent",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum("given", "withdrawn", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("withdraws_id", sa.Integer(), nullable=True),
        sa.Column(
            "categories", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "elements", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "documents", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "recipient_agencies",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "purposes", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "source_agencies",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "written",
                "electronic",
                "verbal",
                "portal",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["withdraws_id"],
            ["access_consent.id"],
            name=op.f("fk_access_consent_withdraws_id_access_consent"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_consent")),
    )
    with op.batch_alter_table("access_consent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_access_consent_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_access_consent_withdraws_id"), ["withdraws_id"], unique=False
        )

    op.create_table(
        "access_service_account",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("agency_id", sa.String(length=16), nullable=False),
        sa.Column("source_system_id", sa.String(length=64), nullable=True),
        sa.Column("token_id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_service_account")),
        sa.UniqueConstraint("name", name=op.f("uq_access_service_account_name")),
        sa.UniqueConstraint("token_id", name=op.f("uq_access_service_account_token_id")),
    )
    with op.batch_alter_table("access_service_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_access_service_account_agency_id"), ["agency_id"], unique=False
        )

    op.create_table(
        "access_user",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("agency_id", sa.String(length=16), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=True),
        sa.Column(
            "roles", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("sso_subject", sa.String(length=200), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_user")),
        sa.UniqueConstraint("sso_subject", name=op.f("uq_access_user_sso_subject")),
        sa.UniqueConstraint("username", name=op.f("uq_access_user_username")),
    )
    with op.batch_alter_table("access_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_user_agency_id"), ["agency_id"], unique=False)

    op.create_table(
        "access_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("client_ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["access_user.id"],
            name=op.f("fk_access_session_user_id_access_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_session")),
    )
    with op.batch_alter_table("access_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_session_user_id"), ["user_id"], unique=False)

    # Consent history is append-only at the database level too, not only in the ORM.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION access_consent_immutable() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{_IMMUTABLE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER access_consent_immutable BEFORE UPDATE OR DELETE ON access_consent "
            "FOR EACH ROW EXECUTE FUNCTION access_consent_immutable()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER access_consent_no_{verb.lower()} BEFORE {verb} ON access_consent "
                f"BEGIN SELECT RAISE(ABORT, '{_IMMUTABLE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS access_consent_immutable ON access_consent")
        op.execute("DROP FUNCTION IF EXISTS access_consent_immutable()")
    for table in (
        "access_session",
        "access_user",
        "access_service_account",
        "access_consent",
        "access_agreement",
    ):
        op.drop_table(table)
