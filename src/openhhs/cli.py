"""The `openhhs` command: each capability contributes its commands from its own `cli.py`."""

from __future__ import annotations

import typer

from openhhs.db.cli import app as db_app

app = typer.Typer(
    name="openhhs",
    help="OpenHHS: link agency records into one client index and share them lawfully.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(db_app, name="db")
app.add_typer(__import__("openhhs.access.cli", fromlist=["app"]).app, name="access")
app.add_typer(__import__("openhhs.audit.cli", fromlist=["app"]).app, name="audit")
app.add_typer(__import__("openhhs.cci.cli", fromlist=["app"]).app, name="cci")
app.add_typer(__import__("openhhs.demo.cli", fromlist=["app"]).app)  # serve, demo
app.add_typer(__import__("openhhs.ingest.cli", fromlist=["app"]).app)  # ingest
app.add_typer(__import__("openhhs.linkage.cli", fromlist=["app"]).app)  # link, link-file
app.add_typer(__import__("openhhs.screening.cli", fromlist=["app"]).app)  # screen
app.add_typer(__import__("openhhs.synth.cli", fromlist=["app"]).app)  # synth


def main() -> None:
    app()
