"""`openhhs link-file` end to end through the CLI: the PRODUCT.md §4 contract and bad input."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from openhhs.cli import app
from openhhs.linkage.linkfile import INPUT_COLUMNS

runner = CliRunner()
HEADER = ",".join(INPUT_COLUMNS)


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _out(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


ROWS = [
    "HRA,h1,Maria,,Gonzalez,,1984-03-07,F,212-55-1234,(718) 555-0182,55 Ocean Ave,3C,,NY,11226",
    "DHS,d1,MARIA,,GONZALEZ,,1984-03-07,F,212551234,,55 OCEAN AVENUE,APT 3C,,NY,11226",
    "ACS,a1,Mari,L,Gonzales,,1984-03-07,F,,7185550182,55 Ocean Av,3c,,,11226",
    "DOE,e1,John,,Okafor,,2010-01-02,M,,,12 Grand Concourse,,Bronx,NY,10451",
    "DOE,e2,,,,,,,,,,,,,",
    "DOE,e3,,,,,,,,,,,,,",
    "HRA,h2,李,,小龍,,1970-05-06,M,,,,,,,",
    "DHS,d2,李,,小龍,,1970-05-06,M,,,,,,,",
]


def test_links_a_file_and_writes_one_row_per_input_row(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.csv", [HEADER, *ROWS])
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["link-file", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = _out(out)
    assert list(rows[0]) == ["source", "record_id", "enterprise_id"]
    assert [(r["source"], r["record_id"]) for r in rows] == [
        (line.split(",")[0], line.split(",")[1]) for line in ROWS
    ]
    eid = {r["record_id"]: r["enterprise_id"] for r in rows}
    assert eid["h1"] == eid["d1"] == eid["a1"]
    assert eid["e1"] != eid["h1"]
    assert eid["e2"] != eid["e3"]  # all-empty records never join anything
    assert eid["h2"] == eid["d2"]  # non-Latin names survive and link
    assert all(v.startswith("E") and len(v) == 13 for v in eid.values())


def test_unknown_columns_warn_and_malformed_rows_are_reported_not_dropped(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "in.csv",
        [
            HEADER + ",favourite_colour",
            ROWS[0] + ",blue",
            "HRA,short,Ana",
            "HRA,baddate,Ana,,Lopez,,1984-02-31,F,,,,,,,,",
            ",noSource,Ana,,Lopez,,1984-02-03,F,,,,,,,,",
        ],
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["link-file", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "favourite_colour" in result.output
    assert "line 3" in result.output and "header has 16" in result.output
    assert "line 4" in result.output and "dob" in result.output
    assert "line 5" in result.output and "required" in result.output
    assert len(_out(out)) == 4


def test_missing_required_columns_is_a_clear_error(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.csv", ["first_name,last_name", "Ana,Lopez"])
    result = runner.invoke(app, ["link-file", str(src), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert "missing required column(s): source, record_id" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o.csv").exists()


def test_duplicate_record_ids_are_a_clear_error(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.csv", [HEADER, ROWS[0], ROWS[0], ROWS[3]])
    result = runner.invoke(app, ["link-file", str(src), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert "duplicate (source, record_id): HRA/h1" in result.output


def test_unreadable_inputs(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["link-file", str(tmp_path / "nope.csv"), "--out", "x.csv"])
    assert missing.exit_code == 2 and "cannot read" in missing.output
    empty = _write(tmp_path / "empty.csv", [])
    result = runner.invoke(app, ["link-file", str(empty), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes((HEADER + "\nHRA,1,Jos\xe9\n").encode("latin-1"))
    result = runner.invoke(app, ["link-file", str(latin1), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2 and "UTF-8" in result.output


def test_review_and_report_files(tmp_path: Path) -> None:
    twin = "HRA,t2,Jose,,Gonzalez,,1984-03-07,M,,(718) 555-0182,55 Ocean Ave,3C,Brooklyn,NY,11226"
    src = _write(tmp_path / "in.csv", [HEADER, ROWS[0], twin])
    review, report = tmp_path / "review.csv", tmp_path / "report.json"
    result = runner.invoke(
        app,
        [
            *("link-file", str(src), "--out", str(tmp_path / "o.csv")),
            *("--review", str(review), "--report", str(report)),
        ],
    )
    assert result.exit_code == 0, result.output
    eids = {r["record_id"]: r["enterprise_id"] for r in _out(tmp_path / "o.csv")}
    assert eids["h1"] != eids["t2"]  # twins: same home and birthday, different first names
    assert report.read_text().startswith("{")
    assert review.read_text().startswith("source_l,record_id_l")
