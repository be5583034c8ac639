"""Database access: one declarative base, engines for SQLite and PostgreSQL, migrations."""

from openhhs.db.base import Base
from openhhs.db.engine import make_engine, session_factory
from openhhs.db.migrate import upgrade

__all__ = ["Base", "make_engine", "session_factory", "upgrade"]
