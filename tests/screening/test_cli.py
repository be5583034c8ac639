"""`openhhs screen FILE.json|FILE.csv` prints the API's JSON (or CSV); bad files exit non-zero."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from openhhs.screening.bulk import export_csv
from openhhs.screening.cli import app
from screening.helpers import body, head, person, wages

runner = CliRunner()


def test_screen_json_file(tmp_path: Path) -> None:
    f = tmp_path / "h.json"
    f.write_text(json.dumps(body(head(30, incomes=[wages(1500)]), person(2))))
    r = runner.invoke(app, [str(f), "--as-of", "2026-03-01", "--lang", "es"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["type"] == "SUCCESS" and data["openhhs"]["language"] == "es"
    assert any(p["code"] == "S2R007" for p in data["eligiblePrograms"])


def test_screen_invalid_json_request_exits_1(tmp_path: Path) -> None:
    f = tmp_path / "h.json"
    f.write_text(json.dumps(body(person(30, "Spouse"))))
    r = runner.invoke(app, [str(f)])
    assert r.exit_code == 1
    assert json.loads(r.output)["type"] == "FAILURE"
    f.write_text("{not json")
    r = runner.invoke(app, [str(f)])
    assert r.exit_code == 1 and json.loads(r.output)["type"] == "FAILURE"


def test_screen_missing_file_and_bad_date(tmp_path: Path) -> None:
    r = runner.invoke(app, [str(tmp_path / "nope.json")])
    assert r.exit_code == 2 and "cannot read" in r.output
    r = runner.invoke(app, [str(tmp_path / "nope.json"), "--as-of", "soon"])
    assert r.exit_code == 2


def test_screen_csv_writes_out_file(tmp_path: Path) -> None:
    f = tmp_path / "bulk.csv"
    f.write_text(export_csv([body(head(30), caseId="X1"), body(head(70), caseId="X2")]))
    out = tmp_path / "answer.csv"
    r = runner.invoke(app, [str(f), "--as-of", "2026-03-01", "--out", str(out)])
    assert r.exit_code == 0, r.output
    rows = out.read_text().splitlines()
    assert len(rows) == 3 and rows[1].startswith("X1,SUCCESS") and rows[2].startswith("X2,SUCCESS")
