"""Feature tables: link-file rows or source records -> one DataFrame Splink can read."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

import pandas as pd

from openhhs.linkage.features import (
    ADDRESS_PART_COLUMNS,
    FEATURE_COLUMNS,
    features_and_flags,
    has_identity,
)
from openhhs.linkage.features import (
    address_parts as split_address,
)

# Standardizing costs ~1-3 ms a record (address parsing, phone validation): above this many
# records the work is spread over the machine's cores; below it, starting processes costs more.
PARALLEL_MIN_ROWS = 50_000
CHUNK_ROWS = 10_000


def _standardize_chunk(
    rows: Sequence[Mapping[str, Any]], today: dt.date | None = None
) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    return [features_and_flags(row, today=today) for row in rows]


def _standardized(
    rows: Sequence[Mapping[str, Any]], workers: int | None, today: dt.date | None = None
) -> Iterable[tuple[dict[str, Any], tuple[str, ...]]]:
    """`features_and_flags` of every row, in input order; in worker processes for big inputs."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(rows) < PARALLEL_MIN_ROWS:
        return _standardize_chunk(rows, today)
    chunks = [rows[i : i + CHUNK_ROWS] for i in range(0, len(rows), CHUNK_ROWS)]
    # spawn, not fork: the caller may hold database connections and DuckDB threads
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        parts = pool.map(partial(_standardize_chunk, today=today), chunks)
        return [pair for part in parts for pair in part]


def feature_frame(
    rows: Iterable[Mapping[str, Any]],
    *,
    keep: tuple[str, ...] = (),
    workers: int | None = None,
    today: dt.date | None = None,
    address_parts: bool = False,
) -> pd.DataFrame:
    """One row per input with `unique_id` (0..n-1), the feature columns, `linkable`, `flags`.

    `keep` names input columns to carry along (e.g. `source`, `record_id`, a truth label).
    `workers` caps the processes used for inputs of `PARALLEL_MIN_ROWS` or more (default: one
    per core); the result does not depend on it. `today` is when the records were written
    (`features.to_features`): an archive's birth dates are judged as of its own date.
    `address_parts=True` adds `features.ADDRESS_PART_COLUMNS` (house number, street name, city,
    state) for models that compare them one by one (data without households).
    """
    rows = rows if isinstance(rows, Sequence) else list(rows)
    out: list[dict[str, Any]] = []
    for i, (row, (features, flags)) in enumerate(
        zip(rows, _standardized(rows, workers, today), strict=True)
    ):
        rec: dict[str, Any] = {"unique_id": i, **features}
        if address_parts:
            rec |= split_address(row, features)
        for k in keep:
            rec[k] = row.get(k)
        rec["linkable"] = is_linkable(features)
        rec["flags"] = ";".join(flags)
        out.append(rec)
    compared = FEATURE_COLUMNS + (ADDRESS_PART_COLUMNS if address_parts else ())
    columns = ["unique_id", *compared, *keep, "linkable", "flags"]
    frame = pd.DataFrame(out, columns=columns)
    for col in compared:
        frame[col] = frame[col].astype("object")
    return frame


def is_linkable(features: Mapping[str, Any]) -> bool:
    """Enough identity to link on: a name plus a date of birth or an SSN, or an SSN plus a DOB.

    Records with only a name (or nothing) stay alone: "JOHN SMITH" twice is not one person.
    """
    if not has_identity(features):
        return False
    has_name = bool(features.get("first_name") or features.get("last_name"))
    has_dob = bool(features.get("dob"))
    has_ssn = bool(features.get("ssn"))
    return (has_name and (has_dob or has_ssn)) or (has_ssn and has_dob)
