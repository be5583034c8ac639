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
