"""Feature tables: link-file rows or source records -> one DataFrame Splink can read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from openhhs.linkage.features import FEATURE_COLUMNS, features_and_flags, has_identity


def feature_frame(rows: Iterable[Mapping[str, Any]], *, keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per input with `unique_id` (0..n-1), the feature columns, `linkable`, `flags`.

    `keep` names input columns to carry along (e.g. `source`, `record_id`, a truth label).
    """
    out: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        features, flags = features_and_flags(row)
        rec: dict[str, Any] = {"unique_id": i, **features}
        for k in keep:
            rec[k] = row.get(k)
        rec["linkable"] = is_linkable(features)
        rec["flags"] = ";".join(flags)
        out.append(rec)
    columns = ["unique_id", *FEATURE_COLUMNS, *keep, "linkable", "flags"]
    frame = pd.DataFrame(out, columns=columns)
    for col in FEATURE_COLUMNS:
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
