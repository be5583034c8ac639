"""The hash chain itself: canonical JSON of an entry and the hash that links it to the last.

`hash = sha256(prev_hash + canonical_json(entry))`, hex. The canonical form sorts keys, has no
whitespace, writes the time as UTC with microseconds and includes `seq`, so moving an entry to
another position changes its hash just as editing it does. Pure functions only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64  # prev_hash of the first entry

# Fields covered by the hash, in the order they are documented (the JSON sorts them anyway).
HASHED_FIELDS = (
    "seq",
    "at",
    "actor",
    "actor_agency",
    "purpose",
    "action",
    "person_id",
    "elements",
    "agreement_id",
    "outcome",
    "request_id",
    "detail",
)


def utc_iso(value: dt.datetime) -> str:
    """One spelling for a moment: SQLite returns naive UTC, PostgreSQL aware; both hash alike."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def json_safe(value: Any) -> Any:
    """The value as it will come back from a JSON column (tuples become lists, keys strings)."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False, sort_keys=True))


def canonical_json(fields: Mapping[str, Any]) -> str:
    body = {name: fields.get(name) for name in HASHED_FIELDS}
    at = body["at"]
    if isinstance(at, dt.datetime):
        body["at"] = utc_iso(at)
    for name in ("action", "outcome"):
        if body[name] is not None:
            body[name] = str(getattr(body[name], "value", body[name]))
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()
