"""`openhhs ingest PATH [--source NAME]`: load agency drops and print what happened to every row.

Exit status: 0 when every file committed (quarantined rows are reported, and are normal in
agency data), 1 when a file failed and was rolled back, 2 for bad usage (unknown source, no such
path), 3 with `--fail-on-quarantine` when any row was quarantined (for strict pipelines).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from openhhs.config import Settings
from openhhs.errors import OpenHHSError
from openhhs.ingest.schemas import IngestReport

app = typer.Typer()
# Files have long paths: when the output is not a terminal, do not wrap the report at 80 columns.
console = Console(width=None if Console().is_terminal else 160)


def render(report: IngestReport, *, show_problems: int = 20) -> None:
    """The report table, then the first quarantined rows and every failure."""
    table = Table(title="ingest report", show_lines=False)
    for col, justify in (
        ("file", "left"),
        ("entity", "left"),
        ("status", "left"),
        ("read", "right"),
        ("inserted", "right"),
        ("updated", "right"),
        ("unchanged", "right"),
        ("quarantined", "right"),
        ("tombstoned", "right"),
        ("batch", "right"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    style = {"committed": "green", "failed": "bold red", "skipped": "dim"}
    for f in report.files:
        table.add_row(
            f.path,
            f.entity or "",
            f"[{style[f.status]}]{f.status}[/]",
            *(str(x) for x in (f.rows_read, f.inserted, f.updated, f.unchanged)),
            f"[yellow]{f.quarantined}[/]" if f.quarantined else "0",
            str(f.tombstoned),
            str(f.batch_id or ""),
        )
    console.print(table)
    problems = [p for f in report.files for p in f.problems]
    if problems:
        console.print(f"[yellow]quarantined rows (first {min(show_problems, len(problems))}):[/]")
        for p in problems[:show_problems]:
            where = f"{p.file}:{p.row}" + (f" [{p.field}]" if p.field else "")
            console.print(f"  {where}: {p.reason}", markup=False, highlight=False)
    for f in report.files:
        for w in f.warnings[:10]:
            console.print(f"  note {f.path}: {w}", markup=False, highlight=False)
        if f.status == "failed":
            console.print(f"[bold red]failed[/] {f.path}: rolled back, nothing stored")
            console.print(f"  {f.error}", markup=False, highlight=False)
    console.print(
        f"{report.total('rows_read')} rows read, {report.total('inserted')} inserted, "
        f"{report.total('updated')} updated, {report.total('unchanged')} unchanged, "
        f"{report.total('quarantined')} quarantined, {report.total('tombstoned')} tombstoned; "
        f"{len(report.failed)} file(s) failed, {len(report.skipped)} skipped"
    )


@app.command("ingest")
def ingest_cmd(
    path: Annotated[
        Path, typer.Argument(help="A file, an HMIS zip, or a folder (e.g. a synth city).")
    ],
    source: Annotated[
        str | None,
        typer.Option(help="Source system or agency (hra, hra_wms...); default: by file path."),
    ] = None,
    fail_on_quarantine: Annotated[
        bool, typer.Option(help="Exit 3 when any row was quarantined.")
    ] = False,
) -> None:
    """Load agency files into the common data model; every row is stored or quarantined."""
    from openhhs.db import make_engine, upgrade
    from openhhs.ingest.service import ingest_path, plan

    try:
        units, _unmatched = plan(path, source)
        engine = make_engine(Settings.from_env().database_url)
        upgrade(engine)
        total = sum(u.path.stat().st_size for u in units) or 1
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("ingest", total=total)

            def advance(name: str, size: float) -> None:
                bar.update(task, advance=size, description=name)

            report = ingest_path(engine, path, source, progress=advance)
    except OpenHHSError as exc:
        console.print(f"[bold red]error:[/] {exc.message}", highlight=False)
        raise typer.Exit(2) from exc
    render(report)
    if report.failed:
        raise typer.Exit(1)
    if fail_on_quarantine and report.total("quarantined"):
        raise typer.Exit(3)
