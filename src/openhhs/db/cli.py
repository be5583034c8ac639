"""`openhhs db ...`: schema management."""

from __future__ import annotations

import typer
from rich.console import Console

from openhhs.config import Settings

app = typer.Typer(help="Create or upgrade the database schema.", no_args_is_help=True)
console = Console()


@app.command("upgrade")
def upgrade_cmd() -> None:
    """Apply all migrations to OPENHHS_DATABASE_URL (default sqlite:///var/openhhs.db)."""
    from openhhs.db.engine import make_engine
    from openhhs.db.migrate import upgrade

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    console.print(f"schema up to date on {engine.url.render_as_string(hide_password=True)}")
