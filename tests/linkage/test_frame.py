"""feature_frame: standardizing in worker processes gives exactly the single-process table."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from openhhs.linkage import frame as frame_module
from openhhs.linkage.frame import feature_frame
from openhhs.linkage.toycity import generate


def test_parallel_standardizing_equals_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = generate(households=60, seed=3)
    rows += [{}, {"first_name": "李", "last_name": "王", "dob": "19xx-02-30", "ssn": "000-00-0000"}]
    serial = feature_frame(rows, keep=("person_id",), workers=1)
    monkeypatch.setattr(frame_module, "PARALLEL_MIN_ROWS", 50)
    monkeypatch.setattr(frame_module, "CHUNK_ROWS", 37)  # chunks that do not divide the input
    parallel = feature_frame(iter(rows), keep=("person_id",), workers=2)
    assert len(serial) == len(rows) > 100
    pd.testing.assert_frame_equal(serial, parallel)
    assert list(parallel["unique_id"]) == list(range(len(rows)))


def test_records_date_reaches_every_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """`today` (when the records were written) judges birth dates in worker processes too."""
    rows = [
        {"first_name": "ADA", "last_name": "LOVE", "dob": f"190{i % 5}-03-04"} for i in range(60)
    ]
    then = dt.date(2008, 1, 1)
    monkeypatch.setattr(frame_module, "PARALLEL_MIN_ROWS", 50)
    monkeypatch.setattr(frame_module, "CHUNK_ROWS", 25)
    parallel = feature_frame(rows, today=then, workers=2)
    assert list(parallel["dob"]) == [r["dob"] for r in rows]
    assert parallel["linkable"].all()
    assert feature_frame(rows, today=dt.date(2026, 1, 1), workers=1)["dob"].isna().all()
