"""feature_frame: standardizing in worker processes gives exactly the single-process table."""

from __future__ import annotations

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
