from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

import openhhs.db.registry  # noqa: F401
from openhhs.db import Base, upgrade
from openhhs.db.migrate import is_up_to_date


def test_migrations_reach_head_and_match_the_models(engine: Engine) -> None:
    assert is_up_to_date(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations disagree; write a migration: {diff}"


def test_upgrade_twice_is_a_no_op(engine: Engine) -> None:
    upgrade(engine)
    assert is_up_to_date(engine)


def test_one_head_so_new_migrations_have_one_parent() -> None:
    from openhhs.db.migrate import script_heads

    assert len(script_heads()) == 1, f"merge the migration heads: {sorted(script_heads())}"
