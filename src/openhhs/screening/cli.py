"""`openhhs screen FILE.json|FILE.csv` and `openhhs screen outreach`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import typer

app = typer.Typer()


def _day(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"--as-of must be an ISO date, got {value!r}") from None


@app.command("screen")
def screen(
    target: str = typer.Argument(
        ...,
        help="A request JSON file (NYC Benefits Screening API body), a bulk CSV, '-' for JSON "
        "on stdin, or 'outreach' for likely-eligible-not-enrolled over the ingested data.",
    ),
    as_of: str = typer.Option(None, "--as-of", help="Screen with the rules in force that day."),
    lang: str = typer.Option("en", help="Language of the reasons: en or es."),
    out: str = typer.Option(None, "--out", help="Write the answer (or outreach list) here."),
    principal: str = typer.Option(
        None, help="outreach: principal id for the outreach list (checked by openhhs.access)."
    ),
    database_url: str = typer.Option(
        None, help="outreach: database (default OPENHHS_DATABASE_URL)."
    ),
) -> None:
    """Screen households for the ACCESS NYC programs; prints the same JSON as the API."""
    day = _day(as_of)
    if lang not in ("en", "es"):
        raise typer.BadParameter("--lang must be en or es")
    if target == "outreach":
        from openhhs.screening.outreach import run_cli

        raise typer.Exit(run_cli(day, Path(out) if out else None, principal, database_url))
    text = sys.stdin.read() if target == "-" else _read(Path(target))
    if target.lower().endswith(".csv"):
        from openhhs.screening.bulk import screen_csv

        result_text = screen_csv(text, day)
        code = 0
    else:
        from openhhs.screening.service import failure, screen_request

        try:
            body = json.loads(text)
        except ValueError as exc:
            result = failure(
                [{"message": f"not JSON: {exc}", "code": "object.base", "elementPath": ""}]
            )
        else:
            result = screen_request(body, day, lang)
        result_text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
        code = 0 if result["type"] == "SUCCESS" else 1
    if out:
        Path(out).write_text(result_text, encoding="utf-8")
    else:
        sys.stdout.write(result_text)
    raise typer.Exit(code)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"cannot read {path}: {exc}", err=True)
        raise typer.Exit(2) from None
