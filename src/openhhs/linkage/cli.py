"""`openhhs link-file`, `openhhs link` and `openhhs link-train`."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from openhhs.errors import OpenHHSError

app = typer.Typer(add_completion=False)
err = Console(stderr=True)


def _fail(exc: OpenHHSError) -> None:
    err.print(f"[red]error:[/red] {exc.message}", highlight=False, markup=True)
    raise typer.Exit(2)


@app.command("link-file")
def link_file_cmd(
    input_csv: Annotated[Path, typer.Argument(help="CSV with the PRODUCT.md §4 columns.")],
    out: Annotated[Path, typer.Option("--out", help="Output: source,record_id,enterprise_id.")],
    model: Annotated[Path | None, typer.Option(help="Model JSON (default: bundled).")] = None,
    review: Annotated[Path | None, typer.Option(help="Also write review pairs here.")] = None,
    report: Annotated[Path | None, typer.Option(help="Also write a JSON report here.")] = None,
) -> None:
    """Link a standalone CSV of person records; no database needed."""
    from openhhs.linkage.linkfile import MAX_REPORTED, link_file
    from openhhs.linkage.modelfile import LinkageModel

    try:
        chosen = None
        if model is not None:
            try:
                chosen = LinkageModel.from_json(model.read_text(encoding="utf-8"))
            except (OSError, ValueError, KeyError) as exc:
                raise OpenHHSError(f"cannot load model {model}: {exc}") from exc
        with err.status("linking…"):
            result = link_file(input_csv, out, model=chosen, review_csv=review)
    except OpenHHSError as exc:
        _fail(exc)
        return
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    for problem in result.problems[:MAX_REPORTED]:
        err.print(
            f"line {problem.line} (record_id {problem.record_id or '?'}): {problem.message}",
            highlight=False,
            markup=False,
        )
    if len(result.problems) > MAX_REPORTED:
        err.print(f"… and {len(result.problems) - MAX_REPORTED} more problems", highlight=False)
    if report is not None:
        report.write_text(json.dumps(asdict(result), indent=1, default=str), encoding="utf-8")
    err.print(
        f"{result.rows} rows → {result.people} people ({result.linked_rows} rows linked, "
        f"{result.unlinkable_rows} too thin to link, {result.malformed_rows} malformed, "
        f"{result.review_pairs} pairs for review, largest cluster {result.largest_cluster}); "
        f"wrote {out}",
        highlight=False,
        markup=False,
    )


@app.command("link")
def link_cmd(
    database_url: Annotated[str | None, typer.Option(help="Default: OPENHHS_DATABASE_URL.")] = None,
    review: Annotated[Path | None, typer.Option(help="Also write review pairs here.")] = None,
) -> None:
    """Batch-link every source person record in the database and assign Enterprise IDs."""
    from openhhs.linkage.run import link_database

    try:
        with err.status("linking…"):
            stats = link_database(database_url, review_csv=review)
    except OpenHHSError as exc:
        _fail(exc)
        return
    err.print(json.dumps(stats, indent=1, default=str), highlight=False, markup=False)


@app.command("link-train")
def train_cmd(
    link_csv: Annotated[Path, typer.Argument(help="A link-file CSV to train on.")],
    truth: Annotated[
        Path | None, typer.Option(help="ground_truth.csv (source,record_id,person_id).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Where to write the model.")] = Path(
        "var/models/candidate.json"
    ),
    database_url: Annotated[
        str | None, typer.Option(help="Store, and promote if better, in this database.")
    ] = None,
    max_pairs: Annotated[float, typer.Option(help="Pairs sampled to estimate u.")] = 2e6,
) -> None:
    """Train a model on a link file; with --truth, evaluate it and refuse it if F1 drops."""
    from openhhs.linkage.run import train_from_files

    try:
        with err.status("training…"):
            summary = train_from_files(link_csv, truth, out, database_url, max_pairs=max_pairs)
    except OpenHHSError as exc:
        _fail(exc)
        return
    err.print(json.dumps(summary, indent=1, default=str), highlight=False, markup=False)
