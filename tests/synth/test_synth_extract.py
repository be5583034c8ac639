"""A later extract is the same city with exactly the changes `changes.csv` lists."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from openhhs.synth import generate

DELIMITER = {"csv": ",", "tsv": "\t", "pipe": "|"}


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("extracts")
    generate(people=2500, seed=21, out=base / "e1")
    generate(people=2500, seed=21, out=base / "e2", extract=2)
    return base / "e1", base / "e2"


def load(out: Path, rel: str, info: dict) -> tuple[list[str], dict[str, dict[str, str]]]:
    text = (out / rel).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text), delimiter=DELIMITER[info["format"]])
    rows = {row[info["key"]]: row for row in reader}
    return list(reader.fieldnames or []), rows


def changes(out: Path) -> dict[str, list[dict[str, str]]]:
    by_file: dict[str, list[dict[str, str]]] = defaultdict(list)
    with (out / "changes.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            by_file[row["file"]].append(row)
    return by_file


def test_changes_csv_lists_exactly_the_differences(extracts) -> None:
    e1, e2 = extracts

    m1 = json.loads((e1 / "manifest.json").read_text())
    m2 = json.loads((e2 / "manifest.json").read_text())
    assert m2["extract"] == 2 and m2["as_of"] > m1["as_of"]
    listed = changes(e2)
    kinds = Counter(c["change"] for rows in listed.values() for c in rows)
    assert kinds["updated"] > 0 and kinds["deleted"] > 0 and kinds["added"] > 0
    checked = 0
    for rel, info in m2["files"].items():
        if info.get("format") not in DELIMITER or "key" not in info:
            continue
        _, old = load(e1, rel, m1["files"][rel])
        columns, new = load(e2, rel, info)
        expected_deleted = sorted(old.keys() - new.keys())
        expected_added = sorted(new.keys() - old.keys())
        rows = listed.get(rel, [])
        assert sorted(c["record_id"] for c in rows if c["change"] == "deleted") == expected_deleted
        assert sorted(c["record_id"] for c in rows if c["change"] == "added") == expected_added
        updates = {(c["record_id"], c["field"]): c for c in rows if c["change"] == "updated"}
        for key in old.keys() & new.keys():
            for col in columns:
                if old[key][col] != new[key][col]:
                    change = updates.pop((key, col))
                    assert (change["old_value"], change["new_value"]) == (
                        old[key][col],
                        new[key][col],
                    )
        assert not updates, f"{rel}: listed changes that are not in the files"
        checked += 1
    assert checked >= 10


def test_most_rows_are_byte_identical_between_extracts(extracts) -> None:
    e1, e2 = extracts
    a = (e1 / "hra/wms_individuals.csv").read_text().splitlines()
    b = set((e2 / "hra/wms_individuals.csv").read_text().splitlines())
    same = sum(line in b for line in a)
    assert same / len(a) > 0.9


def test_hmis_deletes_are_flagged_not_dropped(extracts) -> None:
    _, e2 = extracts
    listed = changes(e2)
    deleted = [c["record_id"] for c in listed["dhs/hmis_export.zip/Client.csv"]
               if c["change"] == "deleted"]  # fmt: skip
    with zipfile.ZipFile(e2 / "dhs/hmis_export.zip") as zf:
        clients = {
            r["PersonalID"]: r for r in csv.DictReader(io.TextIOWrapper(zf.open("Client.csv")))
        }
    for key in deleted:
        assert clients[key]["DateDeleted"]
    truth = {r.split(",")[1] for r in (e2 / "ground_truth.csv").read_text().splitlines()[1:]}
    assert not truth & set(deleted)


def test_later_extract_is_deterministic(tmp_path: Path) -> None:
    generate(people=500, seed=3, out=tmp_path / "a", extract=3)
    generate(people=500, seed=3, out=tmp_path / "b", extract=3)
    for path in sorted((tmp_path / "a").rglob("*")):
        if path.is_file():
            twin = tmp_path / "b" / path.relative_to(tmp_path / "a")
            assert path.read_bytes() == twin.read_bytes(), path.name
