"""Done-when for a generated city: every row stored or quarantined, counts reconcile exactly,
a second ingest changes nothing, a later extract applies exactly its changes (both backends)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine

from openhhs.ingest import ingest_path

from .conftest import count, snapshot

PEOPLE = 800
SEED = 11
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def city1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    synth = pytest.importorskip("openhhs.synth")
    out = tmp_path_factory.mktemp("city1")
    synth.generate(people=PEOPLE, seed=SEED, out=out)
    return out


@pytest.fixture(scope="module")
def city2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same city 90 days later: changed, deleted and added records (changes.csv)."""
    synth = pytest.importorskip("openhhs.synth")
    out = tmp_path_factory.mktemp("city2")
    synth.generate(people=PEOPLE, seed=SEED, out=out, extract=2)
    return out


def test_a_generated_city_reconciles_row_for_row_and_reloads_as_a_no_op(
    engine: Engine, city1: Path
) -> None:
    manifest = json.loads((city1 / "manifest.json").read_text())
    report = ingest_path(engine, city1)
    assert report.ok, [(f.path, f.error) for f in report.failed]
    assert {f.path for f in report.skipped} == {"manifest.json"} | {
        p for p, info in manifest["files"].items() if not info["source"]
    }
    for f in report.files:
        assert f.reconciles, f
    # every row of every agency file was read by its first spec
    read = {f.path: f.rows_read for f in reversed(report.files) if f.status == "committed"}
    for rel, info in manifest["files"].items():
        if info["source"] and not rel.endswith(".zip"):
            assert read[rel] == info["rows"], rel
    for member, rows in manifest["files"]["dhs/hmis_export.zip"]["members"].items():
        assert read[f"dhs/hmis_export.zip/{member}"] == rows, member
    # person records: stored + quarantined = what each agency sent
    persons: Counter[str] = Counter()
    for f in report.files:
        if f.entity == "person":
            persons[f.path.split("/")[0].upper()] += f.stored + f.quarantined
    assert persons == Counter(manifest["records"])
    stored = count(engine, "select count(*) from source_person")
    assert stored == sum(f.stored for f in report.files if f.entity == "person")
    assert count(engine, "select count(*) from quarantined_row") == report.total("quarantined")
    before = snapshot(engine)
    again = ingest_path(engine, city1)
    assert again.total("inserted") == again.total("updated") == again.total("tombstoned") == 0
    assert snapshot(engine) == before


def test_a_later_extract_applies_exactly_its_changes(
    engine: Engine, city1: Path, city2: Path
) -> None:
    ingest_path(engine, city1)
    report = ingest_path(engine, city2)
    assert report.ok and all(f.reconciles for f in report.files)
    with (city2 / "changes.csv").open() as fh:
        changes = list(csv.DictReader(fh))
    expected: dict[tuple[str, str], set[str]] = {}
    for c in changes:
        expected.setdefault((c["file"], c["change"]), set()).add(c["record_id"])
    first_spec: dict[str, object] = {}
    for f in report.files:  # the first spec of each file reads its rows as the agency keyed them
        if f.status == "committed" and not f.path.endswith("#households"):
            first_spec.setdefault(f.path, f)
    assert len(first_spec) >= 20
    for path, f in first_spec.items():
        got = (f.inserted, f.updated, f.tombstoned)  # type: ignore[attr-defined]
        want = tuple(len(expected.get((path, c), set())) for c in ("added", "updated", "deleted"))
        assert got == want, path
