"""`openhhs audit verify|export`: check the hash chain; export it as FHIR AuditEvents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from openhhs.config import Settings

app = typer.Typer(help="Verify and export the tamper-evident audit log.", no_args_is_help=True)
console = Console()


def _engine() -> Engine:
    from openhhs.db.engine import make_engine

    return make_engine(Settings.from_env().database_url)


@contextmanager
def _database_errors() -> Iterator[None]:
    """A missing schema or an unreachable server is a message and exit code 2, not a traceback."""
    try:
        yield
    except OperationalError as exc:
        first = str(exc.orig or exc).strip().splitlines()[0]
        console.print(f"[red]cannot read the audit log: {first}[/red]")
        console.print("check OPENHHS_DATABASE_URL and run `openhhs db upgrade`")
        raise typer.Exit(2) from None
    except ProgrammingError as exc:
        first = str(exc.orig or exc).strip().splitlines()[0]
        console.print(f"[red]cannot read the audit log: {first}[/red] (run `openhhs db upgrade`)")
        raise typer.Exit(2) from None


@app.command("verify")
def verify_cmd(
    anchor: Annotated[
        str | None,
        typer.Option(
            "--anchor",
            help="SEQ:HASH printed by an earlier run and kept outside the database; "
            "catches deletion of the newest entries.",
        ),
    ] = None,
) -> None:
    """Walk the whole chain; exit 1 and name the first edited, deleted or reordered entry."""
    from openhhs.audit.service import verify

    pinned: tuple[int, str] | None = None
    if anchor:
        seq, _, digest = anchor.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            console.print("[red]--anchor must be SEQ:HASH (a number, a colon, 64 hex digits)[/red]")
            raise typer.Exit(2)
        pinned = (int(seq), digest.lower())
    with _database_errors():
        result = verify(_engine(), anchor=pinned)
    if result.ok:
        console.print(f"[green]{result}[/green]")
        console.print(f"anchor for the next run: --anchor {result.head_seq}:{result.head_hash}")
    else:
        console.print(f"[red]{result}[/red]")
    if not result.protected:
        console.print(
            "[red]audit log UNPROTECTED: its append-only triggers were dropped or disabled. "
            "Restore them (docs/audit.md) and find out who removed them.[/red]"
        )
    if not (result.ok and result.protected):
        raise typer.Exit(1)


@app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Option("--out", help="File to write (JSON).")],
    fhir: Annotated[
        bool, typer.Option("--fhir/--raw", help="FHIR R4 AuditEvent Bundle, or raw rows.")
    ] = True,
) -> None:
    """Write every entry, in chain order, as a FHIR R4 Bundle of AuditEvents (or raw rows)."""
    from openhhs.audit.chain import utc_iso
    from openhhs.audit.fhir import to_fhir_audit_event
    from openhhs.audit.service import entry_fields, iter_entries

    count = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")  # renamed when complete: no half-written export
    try:
        with _database_errors(), part.open("w", encoding="utf-8") as fh:
            fh.write('{"resourceType":"Bundle","type":"collection","entry":[' if fhir else "[")
            for entry in iter_entries(_engine()):
                item: dict[str, Any]
                if fhir:
                    item = {"resource": to_fhir_audit_event(entry)}
                else:
                    item = {**entry_fields(entry), "prev_hash": entry.prev_hash, "hash": entry.hash}
                    item["at"] = utc_iso(entry.at)
                fh.write(("," if count else "") + json.dumps(item, ensure_ascii=False))
                count += 1
            fh.write("]}\n" if fhir else "]\n")
        part.replace(out)
    finally:
        part.unlink(missing_ok=True)
    console.print(f"wrote {count} audit entries to {out}")


@app.command("history")
def history_cmd(
    person_id: Annotated[str, typer.Argument(help="Enterprise or person id.")],
    limit: Annotated[int, typer.Option(min=1, max=5000)] = 50,
) -> None:
    """Who accessed one person's data, when and why (newest first)."""
    from rich.table import Table
    from sqlalchemy.orm import Session

    from openhhs.audit.chain import utc_iso
    from openhhs.audit.service import person_history

    table = Table("seq", "at", "actor", "agency", "action", "outcome", "purpose", "agreement")
    with _database_errors(), Session(_engine()) as session:
        for e in person_history(session, person_id[:64], limit=limit):
            table.add_row(
                str(e.seq),
                utc_iso(e.at)[:19],
                e.actor,
                e.actor_agency or "",
                str(e.action),
                str(e.outcome),
                e.purpose or "",
                e.agreement_id or "",
            )
    console.print(table)
