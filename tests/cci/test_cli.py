"""`openhhs cci ...` commands: JSON out, clear errors (exit 2, no traceback) on bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from openhhs.cci.model import ActiveModel
from openhhs.cli import app

PersonFactory = Callable[..., Any]
runner = CliRunner()


@pytest.fixture
def sqlite_url(database_url: str) -> str:
    if not database_url.startswith("sqlite"):
        pytest.skip("the CLI path is the same on both backends; run it once")
    return database_url


def _json(args: list[str]) -> Any:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cci_commands_round_trip(
    sqlite_url: str, session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    person = dict(first_name="ANA", last_name="LOPEZ", dob="1990-05-06", ssn="212459876")
    a = add_person(**person)
    b = add_person(agency="DHS", **person)
    session.commit()
    db = ["--database-url", sqlite_url]
    assert _json(["cci", "reindex", *db])["records"] == 2
    first = _json(["cci", "upsert", str(a.id), *db])
    second = _json(["cci", "upsert", str(b.id), *db])
    assert first["decision"] == "new" and second["decision"] == "linked"
    assert second["enterprise_id"] == first["enterprise_id"]
    found = _json(
        ["cci", "match", "--first-name", "Ana", "--last-name", "Lopez", "--dob", "1990-05-06", *db]
    )
    assert {c["source_person_id"] for c in found} == {a.id, b.id}
    assert found[0]["breakdown"]
    events = _json(["cci", "changes", "--since", "0", *db])
    assert [e["kind"] for e in events] == ["create", "link"]
    golden = _json(["cci", "golden", first["enterprise_id"], *db])
    assert golden["fields"]["last_name"] == "LOPEZ"
    assert _json(["cci", "review", *db])["pending"] == []
    out = _json(["cci", "unmerge", str(b.id), "--actor", "steward", *db])
    assert out["enterprise_id"] != first["enterprise_id"]


def test_cci_commands_fail_cleanly(sqlite_url: str, toy_model: ActiveModel) -> None:
    db = ["--database-url", sqlite_url]
    for args in (
        ["cci", "golden", "ENOSUCHID0000", *db],
        ["cci", "upsert", "424242", *db],
        ["cci", "decide", "1", "maybe", "--actor", "x", *db],
        ["cci", "decide", "99", "same", "--actor", "x", *db],
        ["cci", "unmerge", "5", "--actor", "x", *db],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output and "error" in result.output
    assert runner.invoke(app, ["cci", "--help"]).exit_code == 0
