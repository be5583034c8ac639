"""The hash chain itself: canonical JSON of an entry and the hash that links it to the last.

`hash = sha256(prev_hash + canonical_json(entry))`, hex. The canonical form sorts keys, has no
whitespace, writes the time as UTC with microseconds and includes `seq`, so moving an entry to
another position changes its hash just as editing it does. Pure functions only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
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


def clean_text(value: str) -> str:
    """Text every backend stores: no NUL (PostgreSQL refuses it), no lone surrogates (not UTF-8)."""
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _sanitize(value: Any, depth: int = 0) -> Any:
    if depth > 20:
        return clean_text(str(value))[:200]
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)  # JSONB has no NaN or Infinity
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _sanitize(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_sanitize(v, depth + 1) for v in items]
    return clean_text(str(value))


def json_safe(value: Any) -> Any:
    """The value as it will come back from a JSON column: plain JSON types only, storable text,
    finite numbers (so what is hashed is exactly what is stored, on both backends)."""
    return json.loads(json.dumps(_sanitize(value), ensure_ascii=False, sort_keys=True))


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
