"""`openhhs ingest`: the report, and exit codes a scheduler can act on."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from openhhs.cli import app


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("OPENHHS_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("OPENHHS_SECRET_KEY", "test")
    monkeypatch.setenv("OPENHHS_VAR_DIR", str(tmp_path / "var"))
    return db


def test_ingest_prints_a_report_and_exits_0_with_quarantined_rows(env: Path, city: Path) -> None:
    result = CliRunner().invoke(app, ["ingest", str(city / "hra")])
    assert result.exit_code == 0, result.output
    assert "ingest report" in result.output
    assert "wms_individuals.csv:3 [DOB]: impossible date of birth" in result.output
    assert "0 file(s) failed" in result.output
    strict = CliRunner().invoke(app, ["ingest", str(city / "hra"), "--fail-on-quarantine"])
    assert strict.exit_code == 3


def test_ingest_exit_codes_for_bad_usage_and_failed_files(env: Path, city: Path) -> None:
    unknown = CliRunner().invoke(app, ["ingest", str(city), "--source", "nope"])
    assert unknown.exit_code == 2 and "unknown source 'nope'" in unknown.output
    missing = CliRunner().invoke(app, ["ingest", str(city / "nothing-here")])
    assert missing.exit_code == 2 and "no such file or directory" in missing.output
    (city / "hra" / "wms_cases.csv").write_bytes(b"")
    failed = CliRunner().invoke(app, ["ingest", str(city / "hra")])
    assert failed.exit_code == 1 and "empty file" in failed.output
    assert "Traceback" not in failed.output


def test_ingest_help_describes_the_command() -> None:
    result = CliRunner().invoke(app, ["ingest", "--help"])
    assert result.exit_code == 0 and "--source" in result.output
