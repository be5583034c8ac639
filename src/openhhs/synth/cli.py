"""`openhhs synth`: write a synthetic city (see docs/synthetic-city.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from openhhs.errors import OpenHHSError

app = typer.Typer(add_completion=False)
err = Console(stderr=True)
DEFAULT_OUT = Path("var/city")


@app.command("synth")
def synth_cmd(
    people: Annotated[int, typer.Option(help="How many residents the city has.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 1,
    out: Annotated[Path, typer.Option(help="Folder to write the city into.")] = DEFAULT_OUT,
    extract: Annotated[
        int, typer.Option(help="Extract number: 2 and up are the same city 90 days per step later.")
    ] = 1,
    hmis_version: Annotated[
        int, typer.Option(help="HMIS CSV layout of DHS's zip: 2024 or 2026.")
    ] = 2024,
) -> None:
    """Generate a synthetic city: 8 agencies' native exports, ground truth and a link file."""
    from openhhs.synth import generate

    console = Console()
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("[progress.description]{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("synth", total=None)
            manifest = generate(
                people, seed, out, extract=extract, hmis_version=hmis_version,
                progress=lambda step: bar.update(task, description=f"synth: {step}"),
            )  # fmt: skip
    except OpenHHSError as exc:
        err.print(f"[red]error:[/red] {exc.message}", highlight=False)
        raise typer.Exit(2) from None
    except OSError as exc:
        err.print(f"[red]error:[/red] cannot write to {out}: {exc.strerror}", highlight=False)
        raise typer.Exit(2) from None
    records = ", ".join(f"{k} {v:,}" for k, v in manifest.records.items())
    console.print(
        f"Wrote {out}: {manifest.people:,} people in {manifest.households:,} households, "
        f"extract {manifest.extract} as of {manifest.as_of}.\nPerson records: {records}.",
        highlight=False,
    )
