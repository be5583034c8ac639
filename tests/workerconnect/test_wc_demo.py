"""`openhhs demo` builds a small city end to end, prints the accounts, and reuses it next time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from openhhs.cci.models import Link
from openhhs.cli import app
from openhhs.db import make_engine

pytestmark = pytest.mark.slow


def test_demo_builds_once_then_reuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENHHS_VAR_DIR", str(tmp_path / "var"))
    db = tmp_path / "var" / "openhhs.db"
    monkeypatch.setenv("OPENHHS_DATABASE_URL", f"sqlite:///{db}")
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--people", "200", "--no-serve"])
    assert first.exit_code == 0, first.output
    for account in ("hra.caseworker", "dhs.caseworker", "hra.steward", "hra.privacy"):
        assert account in first.output
    assert "hra_wms: ohs_svc_" in first.output
    state = json.loads((tmp_path / "var" / "demo" / "state.json").read_text())
    assert set(state["done"]) == {"migrate", "synth", "ingest", "link", "index", "access", "sample"}
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as s:
        assert (s.scalar(select(func.count()).select_from(Link)) or 0) > 100
    engine.dispose()
    second = runner.invoke(app, ["demo", "--people", "200", "--no-serve"])
    assert second.exit_code == 0 and "reusing it" in second.output
    assert "hra_wms: ohs_svc_" in second.output  # tokens still shown
