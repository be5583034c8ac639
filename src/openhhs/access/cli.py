"""`openhhs access ...`: validate and load agreements, withdraw one, manage accounts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from openhhs.errors import OpenHHSError

app = typer.Typer(
    help="Data-sharing agreements, accounts and consent (access control).", no_args_is_help=True
)
console = Console()
err = Console(stderr=True)


def _fail(exc: OpenHHSError) -> None:
    # soft_wrap: one problem per line, whatever the terminal width (greppable in CI logs)
    err.print(f"[red]error:[/red] {exc.message}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _session() -> Session:
    from openhhs.config import Settings
    from openhhs.db.engine import make_engine

    return Session(make_engine(Settings.from_env().database_url), expire_on_commit=False)


@app.command("validate")
def validate_cmd(
    directory: Annotated[
        Path | None, typer.Argument(help="Folder of agreement YAML (default: the shipped set)")
    ] = None,
) -> None:
    """Check every agreement file; print each problem with its file and field, exit 2 if any."""
    from openhhs.access.agreement import AGREEMENTS_DIR, load_dir

    folder = directory or AGREEMENTS_DIR
    if not folder.is_dir():
        err.print(f"error: {folder} is not a folder")
        raise typer.Exit(2)
    try:
        specs = load_dir(folder)
    except OpenHHSError as exc:
        _fail(exc)
        return
    if not specs:
        err.print(f"error: no agreement files (*.yaml) in {folder}")
        raise typer.Exit(2)
    table = Table("agreement", "state", "provider", "recipients", "purposes", "valid")
    for s in specs:
        table.add_row(
            s.key,
            s.approval.state.value,
            s.provider.value,
            ", ".join(r.agency.value for r in s.recipients),
            ", ".join(p.value for p in s.purposes),
            f"{s.valid_from} – {s.valid_to or '…'}",
        )
    console.print(table)
    console.print(f"{len(specs)} agreements valid")


@app.command("load")
def load_cmd(
    directory: Annotated[
        Path | None, typer.Argument(help="Folder of agreement YAML (default: the shipped set)")
    ] = None,
) -> None:
    """Validate, then upsert the agreements into OPENHHS_DATABASE_URL (one transaction)."""
    from openhhs.access._audit import emit, event_for
    from openhhs.access.agreement import AGREEMENTS_DIR, load_dir
    from openhhs.access.store import load_agreements

    try:
        specs = load_dir(directory or AGREEMENTS_DIR)
        with _session() as session:
            report = load_agreements(session, specs)
            if report.inserted or report.updated or report.retired:
                emit(
                    session,
                    event_for(
                        None,
                        "dsa:agreement:loaded",
                        "success",
                        actor="cli:access-load",
                        details={
                            "inserted": report.inserted,
                            "updated": report.updated,
                            "retired": report.retired,
                        },
                    ),
                )
            session.commit()
    except OpenHHSError as exc:
        _fail(exc)
        return
    console.print(
        f"{len(report.inserted)} inserted, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.retired)} retired (withdrawn)"
    )


@app.command("withdraw")
def withdraw_cmd(
    agreement_id: Annotated[str, typer.Argument(help="e.g. DSA-DHS-HRA-01")],
    actor: Annotated[str, typer.Option(help="Who withdraws it (kept on the row)")] = "cli",
    version: Annotated[int | None, typer.Option(help="Only this version")] = None,
) -> None:
    """Withdraw an agreement now: the next decision under it is a denial."""
    from openhhs.access._audit import emit, event_for
    from openhhs.access.agreement import ApprovalState
    from openhhs.access.store import set_state

    try:
        with _session() as session:
            keys = set_state(
                session, agreement_id, ApprovalState.WITHDRAWN, actor=actor, version=version
            )
            emit(
                session,
                event_for(
                    None,
                    "dsa:agreement:withdrawn",
                    "success",
                    actor=f"cli:{actor}",
                    details={"agreements": keys},
                ),
            )
            session.commit()
    except OpenHHSError as exc:
        _fail(exc)
        return
    console.print(f"withdrawn: {', '.join(keys)}")


@app.command("add-user")
def add_user_cmd(
    username: str,
    agency: Annotated[str, typer.Option(help="HRA, DHS, ACS, DOE, NYCHA, DOHMH, DOC or DFTA")],
    role: Annotated[list[str], typer.Option(help="Repeat for several roles")],
    unit: Annotated[str | None, typer.Option()] = None,
    name: Annotated[str | None, typer.Option(help="Display name")] = None,
    password: Annotated[
        str | None,
        typer.Option(help="At least 12 characters; prompted when omitted", hide_input=True),
    ] = None,
) -> None:
    """Create a built-in account (password hashed with argon2id)."""
    from openhhs.access.accounts import create_user

    if password is None:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        with _session() as session:
            user = create_user(
                session,
                username=username,
                agency=agency,
                roles=role,
                password=password,
                unit=unit,
                display_name=name,
            )
            session.commit()
    except OpenHHSError as exc:
        _fail(exc)
        return
    console.print(f"user {user.username} ({user.agency_id}: {', '.join(user.roles)}) created")


@app.command("add-service")
def add_service_cmd(
    name: str,
    agency: Annotated[str, typer.Option()],
    source_system: Annotated[str | None, typer.Option(help="The source system it pushes")] = None,
) -> None:
    """Create an agency service account and print its bearer token once."""
    from openhhs.access.accounts import create_service_account

    try:
        with _session() as session:
            issued = create_service_account(
                session, name=name, agency=agency, source_system_id=source_system
            )
            session.commit()
    except OpenHHSError as exc:
        _fail(exc)
        return
    console.print(f"service account {name} ({agency}); token (shown once):")
    console.print(issued.token, highlight=False, soft_wrap=True)
