"""The `openhhs` command: each capability contributes its commands from its own `cli.py`."""

from __future__ import annotations

import typer

from openhhs.access.cli import app as access_app
from openhhs.audit.cli import app as audit_app
from openhhs.cci.cli import app as cci_app
from openhhs.db.cli import app as db_app
from openhhs.demo.cli import app as demo_app
from openhhs.ingest.cli import app as ingest_app
from openhhs.linkage.cli import app as linkage_app
from openhhs.screening.cli import app as screening_app
from openhhs.synth.cli import app as synth_app

app = typer.Typer(
    name="openhhs",
    help="OpenHHS: link agency records into one client index and share them lawfully.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(db_app, name="db")
app.add_typer(access_app, name="access")
app.add_typer(audit_app, name="audit")
app.add_typer(cci_app, name="cci")
app.add_typer(demo_app)  # serve, demo
app.add_typer(ingest_app)  # ingest
app.add_typer(linkage_app)  # link, link-train, link-file
app.add_typer(screening_app)  # screen, screen outreach
app.add_typer(synth_app)  # synth


def main() -> None:
    app()
