"""`openhhs cci ...`: operate the Common Client Index from a shell (index, match, review, feed)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from openhhs.errors import OpenHHSError

app = typer.Typer(
    help="Common Client Index: real-time index, match, review queue, Enterprise ID change feed.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)
T = TypeVar("T")
DbOpt = Annotated[str | None, typer.Option("--database-url", help="Default: OPENHHS_DATABASE_URL.")]


@contextmanager
def _session(database_url: str | None) -> Iterator[Session]:
    from openhhs.config import Settings
    from openhhs.db import make_engine

    engine = make_engine(database_url or Settings.from_env().database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


def _run(database_url: str | None, work: Callable[[Session], T], *, commit: bool = False) -> T:
    try:
        with _session(database_url) as session:
            result = work(session)
            if commit:
                session.commit()
            return result
    except OpenHHSError as exc:
        err.print(f"[red]error:[/red] {exc.message}", highlight=False)
        raise typer.Exit(2) from exc


def _print_json(value: Any) -> None:
    out.print_json(json.dumps(value, default=str))


@app.command("reindex")
def reindex_cmd(database_url: DbOpt = None) -> None:
    """Index every live source record for real-time matching and refresh TF tables.

    Run after `openhhs link` (the batch run assigns Enterprise IDs; this makes them matchable).
    """
    from openhhs.cci.sync import rebuild_index

    with err.status("indexing…"):
        report = _run(database_url, rebuild_index, commit=True)
    _print_json(asdict(report))


@app.command("match")
def match_cmd(
    first_name: Annotated[str | None, typer.Option()] = None,
    last_name: Annotated[str | None, typer.Option()] = None,
    dob: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    ssn: Annotated[str | None, typer.Option()] = None,
    sex: Annotated[str | None, typer.Option()] = None,
    phone: Annotated[str | None, typer.Option()] = None,
    street: Annotated[str | None, typer.Option()] = None,
    zip_code: Annotated[str | None, typer.Option("--zip")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 10,
    database_url: DbOpt = None,
) -> None:
    """Rank indexed records against one person, with the per-comparison why."""
    from openhhs.cci.match import match

    record = {
        "first_name": first_name,
        "last_name": last_name,
        "dob": dob,
        "ssn": ssn,
        "sex": sex,
        "phone": phone,
        "street": street,
        "zip": zip_code,
    }
    found = _run(database_url, lambda s: match(s, record, limit))
    _print_json([c.as_dict() for c in found])


@app.command("upsert")
def upsert_cmd(
    source_person_id: Annotated[int, typer.Argument(help="Stored source_person.id")],
    database_url: DbOpt = None,
) -> None:
    """Link one stored record incrementally (new, changed or tombstoned)."""
    from openhhs.cci.match import upsert

    outcome = _run(database_url, lambda s: upsert(s, source_person_id), commit=True)
    _print_json(
        {
            "source_person_id": outcome.source_person_id,
            "enterprise_id": outcome.enterprise_id,
            "decision": outcome.decision,
            "reason": outcome.reason,
            "review_item_ids": list(outcome.review_item_ids),
        }
    )


@app.command("changes")
def changes_cmd(
    since: Annotated[int, typer.Option(help="Cursor: last event id already read.")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 100,
    database_url: DbOpt = None,
) -> None:
    """Enterprise ID events (create/link/merge/split/relink/unmerge) after a cursor."""
    from openhhs.cci.registry import changes_since

    _print_json([asdict(e) for e in _run(database_url, lambda s: changes_since(s, since, limit))])


@app.command("golden")
def golden_cmd(enterprise_id: str, database_url: DbOpt = None) -> None:
    """The golden record of an Enterprise ID, with the provenance of every field."""
    from openhhs.cci.golden import golden_record

    _print_json(_run(database_url, lambda s: golden_record(s, enterprise_id).as_dict()))


@app.command("review")
def review_cmd(
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    database_url: DbOpt = None,
) -> None:
    """Pending review pairs, most uncertain first, and the live precision estimate."""
    from openhhs.cci import review

    def work(s: Session) -> dict[str, Any]:
        return {
            "pending": [asdict(p) for p in review.pending(s, limit)],
            "precision": asdict(review.precision_estimate(s)),
        }

    _print_json(_run(database_url, work))


@app.command("decide")
def decide_cmd(
    item_id: int,
    decision: Annotated[str, typer.Argument(help="same | different")],
    actor: Annotated[str, typer.Option(help="Who decides (recorded).")],
    database_url: DbOpt = None,
) -> None:
    """Decide a review pair; the decision sticks for batch and online linking."""
    from openhhs.cci import review

    if decision not in ("same", "different"):
        err.print("[red]error:[/red] decision must be 'same' or 'different'")
        raise typer.Exit(2)
    pair = _run(
        database_url,
        lambda s: review.decide(s, item_id, decision, actor=actor),  # type: ignore[arg-type]
        commit=True,
    )
    _print_json(asdict(pair))


@app.command("unmerge")
def unmerge_cmd(
    source_person_id: int,
    actor: Annotated[str, typer.Option(help="Who un-merges (recorded).")],
    reason: Annotated[str | None, typer.Option()] = None,
    database_url: DbOpt = None,
) -> None:
    """Take a record out of its Enterprise ID (new ID, never-link, re-match)."""
    from openhhs.cci import review

    outcome = _run(
        database_url,
        lambda s: review.unmerge(s, source_person_id, actor=actor, reason=reason),
        commit=True,
    )
    _print_json(
        {
            "source_person_id": outcome.source_person_id,
            "enterprise_id": outcome.enterprise_id,
            "decision": outcome.decision,
            "reason": outcome.reason,
        }
    )
