"""`openhhs link-train`: train from a link file, gate on ground truth, store and promote."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from openhhs.cli import app
from openhhs.linkage import current_model, toycity
from openhhs.linkage.linkfile import INPUT_COLUMNS


def test_link_train_writes_and_promotes_a_model(tmp_path: Path, database_url: str) -> None:
    rows = toycity.generate(households=200, seed=9)
    link_csv, truth_csv = tmp_path / "link_file.csv", tmp_path / "ground_truth.csv"
    with link_csv.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(INPUT_COLUMNS)
        writer.writerows([[r.get(c, "") for c in INPUT_COLUMNS] for r in rows])
    with truth_csv.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source", "record_id", "person_id"])
        writer.writerows([[r["source"], r["record_id"], r["person_id"]] for r in rows])
    out = tmp_path / "model.json"
    result = CliRunner().invoke(
        app,
        [
            *("link-train", str(link_csv), "--truth", str(truth_csv), "--out", str(out)),
            *("--database-url", database_url, "--max-pairs", "100000"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert '"promoted": true' in result.output
    assert out.read_text().startswith("{")
    from openhhs.db import make_engine

    engine = make_engine(database_url)
    stored = current_model(engine)
    engine.dispose()
    assert stored is not None and stored.report["evaluation"]["precision"] > 0.98
