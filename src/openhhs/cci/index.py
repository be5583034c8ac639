"""The real-time blocking index: selective keys per record, kept in the database.

Latency is proportional to the number of candidates scored, so the online keys are narrower
than batch blocking rules (shared/notes/linkage.md §3.3): each combines two fields, except the SSN.
They live in `cci_block_key` (primary key `(key, source_person_id)`, a B-tree), so the index
survives restarts and every API worker process reads the same one; a newly upserted record is
matchable at once. Keys are hashed (BLAKE2b, 96 bits): the table holds no readable PII, and each
key has a fixed width. A key shared by more than `KEY_CAP` records (a placeholder identity, a
generic value) stops being selective and is read only up to the cap.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import jellyfish
from sqlalchemy import TextClause, bindparam, delete, insert, select, text
from sqlalchemy.orm import Session

from openhhs.cci.models import BlockKey, Link, MatchFeatures, TermFrequency
from openhhs.db.base import utcnow
from openhhs.db.columns import execute_columns

KEY_CAP = 200  # records read per key; beyond this a key is generic (a placeholder identity)


def _h(kind: str, *parts: Any) -> str:
    raw = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return f"{kind}:{hashlib.blake2b(raw, digest_size=12).hexdigest()}"


def _sound(name: str) -> str:
    """Phonetic code of a surname; non-Latin names (no code) fall back to the name itself."""
    try:
        code = jellyfish.metaphone(name)
    except Exception:  # jellyfish rejects some scripts; the raw name is still a fine key
        code = ""
    return code or name


def blocking_keys(f: Mapping[str, Any]) -> list[str]:
    """The keys of one feature row (`openhhs.linkage.features.to_features` columns)."""
    keys: list[str] = []
    first, last = f.get("first_name"), f.get("last_name")
    canonical, initial = f.get("first_name_canonical"), f.get("first_initial")
    dob, year = f.get("dob"), f.get("dob_year")
    if f.get("ssn"):
        keys.append(_h("ssn", f["ssn"]))
    if f.get("ssn_last4") and year:
        keys.append(_h("s4y", f["ssn_last4"], year))
    if dob and initial:
        keys.append(_h("dfi", dob, initial))
    if dob and canonical:
        keys.append(_h("dfn", dob, canonical))
    if dob and f.get("last_name_part1"):
        keys.append(_h("dln", dob, f["last_name_part1"]))
    if dob and f.get("last_name_part2"):
        keys.append(_h("dln", dob, f["last_name_part2"]))
    if f.get("last_name_part1") and year and f.get("dob_month"):
        # batch's surname + birth year + month rule: siblings and twins with other first names
        keys.append(_h("lym", f["last_name_part1"], year, f["dob_month"]))
    if last and year and initial:
        keys.append(_h("sly", _sound(last), year, initial))  # surname typos
    if first and last and year:
        a, b = sorted((str(first), str(last)))
        keys.append(_h("nam", a, b, year))  # also finds first/last swapped
    if f.get("phone") and initial:
        keys.append(_h("phi", f["phone"], initial))
    if f.get("zip5") and last and initial:
        keys.append(_h("zln", f["zip5"], last, initial))  # date of birth missing or wrong
    if f.get("street_unit") and initial:
        keys.append(_h("sui", f["street_unit"], initial))
    return list(dict.fromkeys(keys))


def household_key(f: Mapping[str, Any]) -> str | None:
    """The record's home (street and unit), stored beside the blocking keys but never used to
    find candidates: `household_mates` reads it for batch linkage's household evidence."""
    return _h("hh", f["street_unit"]) if f.get("street_unit") else None


def index_keys(f: Mapping[str, Any]) -> list[str]:
    """What `index_record` stores: the blocking keys and the household key."""
    hh = household_key(f)
    return [*blocking_keys(f), hh] if hh else blocking_keys(f)


def household_mates(session: Session, f: Mapping[str, Any], *, exclude: int) -> list[int]:
    """Other indexed records at the same street and unit (at most `KEY_CAP`)."""
    key = household_key(f)
    return [i for i in candidate_ids(session, [key]) if i != exclude] if key else []


def index_record(session: Session, source_person_id: int, features: Mapping[str, Any]) -> None:
    """Store (or replace) one record's features and keys; visible to every worker on commit."""
    row = session.get(MatchFeatures, source_person_id)
    if row is not None and row.features == dict(features):
        return  # unchanged: its keys are the same too
    session.execute(delete(BlockKey).where(BlockKey.source_person_id == source_person_id))
    if row is None:
        session.add(MatchFeatures(source_person_id=source_person_id, features=dict(features)))
    else:
        row.features = dict(features)
        row.updated_at = utcnow()
    keys = index_keys(features)
    if keys:
        session.execute(
            insert(BlockKey),
            [{"key": k, "source_person_id": source_person_id} for k in keys],
        )
    session.flush()


def remove_record(session: Session, source_person_id: int) -> None:
    session.execute(delete(BlockKey).where(BlockKey.source_person_id == source_person_id))
    session.execute(delete(MatchFeatures).where(MatchFeatures.source_person_id == source_person_id))
    session.flush()


def index_many(
    session: Session, rows: Iterable[tuple[int, Mapping[str, Any]]], *, chunk: int = 5000
) -> int:
    """Bulk (re)index records, e.g. after a batch run; returns how many were indexed."""
    n = 0
    batch: list[tuple[int, Mapping[str, Any]]] = []

    def flush() -> None:
        ids = [rid for rid, _ in batch]
        session.execute(delete(BlockKey).where(BlockKey.source_person_id.in_(ids)))
        session.execute(delete(MatchFeatures).where(MatchFeatures.source_person_id.in_(ids)))
        now = utcnow()
        session.execute(
            insert(MatchFeatures),
            [{"source_person_id": rid, "features": dict(f), "updated_at": now} for rid, f in batch],
        )
        keys = [{"key": k, "source_person_id": rid} for rid, f in batch for k in index_keys(f)]
        if keys:
            session.execute(insert(BlockKey), keys)
        batch.clear()

    for rid, f in rows:
        batch.append((rid, f))
        n += 1
        if len(batch) >= chunk:
            flush()
    if batch:
        flush()
    session.flush()
    return n


@lru_cache(maxsize=64)
def _candidate_ids_statement(keys: int) -> TextClause:
    """The UNION of `keys` capped key look-ups, built once per key count: building the text
    clause per match cost about as much as running it on a small index."""
    parts = [
        # only bind-parameter names vary; every value is bound
        f"SELECT * FROM (SELECT source_person_id FROM cci_block_key WHERE key = :k{i} "  # noqa: S608
        f"LIMIT :cap) AS t{i}"
        for i in range(keys)
    ]
    return text(" UNION ALL ".join(parts))


def candidate_ids(session: Session, keys: Sequence[str], *, cap: int = KEY_CAP) -> list[int]:
    """Distinct records sharing at least one key, reading at most `cap` records per key."""
    if not keys:
        return []
    params: dict[str, Any] = {f"k{i}": k for i, k in enumerate(keys)}
    params["cap"] = cap
    rows = execute_columns(session, _candidate_ids_statement(len(keys)), params).scalars()
    return list(dict.fromkeys(rows))


# built once, run on the connection (plain columns: the ORM's execution layer added ~40% to a
# match on the 100k bench index)
_CANDIDATES = (
    select(MatchFeatures.source_person_id, MatchFeatures.features, Link.enterprise_id)
    .outerjoin(Link, Link.source_person_id == MatchFeatures.source_person_id)
    .where(MatchFeatures.source_person_id.in_(bindparam("ids", expanding=True)))
)


def load_candidates(
    session: Session, ids: Sequence[int]
) -> list[tuple[int, dict[str, Any], str | None]]:
    """(source_person_id, features, enterprise_id) of indexed records."""
    if not ids:
        return []
    rows = execute_columns(session, _CANDIDATES, {"ids": list(ids)})
    return [(int(r[0]), dict(r[1]), r[2]) for r in rows]


def stored_features(session: Session, source_person_id: int) -> dict[str, Any] | None:
    row = session.get(MatchFeatures, source_person_id)
    return None if row is None else dict(row.features)


# --------------------------------------------------------------------- term frequencies


def store_term_frequencies(session: Session, tables: Mapping[str, Mapping[str, float]]) -> None:
    """Replace the TF lookups of the given columns (batch run or `compute_term_frequencies`)."""
    for column, table in tables.items():
        session.execute(delete(TermFrequency).where(TermFrequency.column_name == column))
        rows = [
            {"column_name": column, "value": str(v)[:200], "tf": float(tf)}
            for v, tf in table.items()
        ]
        for i in range(0, len(rows), 5000):
            session.execute(insert(TermFrequency), rows[i : i + 5000])
    session.flush()


def compute_term_frequencies(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Splink's TF table per column: count(value) / count(non-null values)."""
    counts: dict[str, dict[str, int]] = {c: {} for c in columns}
    for f in rows:
        for c in columns:
            v = f.get(c)
            if v is not None:
                counts[c][v] = counts[c].get(v, 0) + 1
    out: dict[str, dict[str, float]] = {}
    for c, table in counts.items():
        total = sum(table.values())
        out[c] = {v: n / total for v, n in table.items()} if total else {}
    return out


def load_term_frequencies(session: Session, columns: Sequence[str]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {c: {} for c in columns}
    if not columns:
        return out
    for col, value, tf in session.execute(
        select(TermFrequency.column_name, TermFrequency.value, TermFrequency.tf).where(
            TermFrequency.column_name.in_(list(columns))
        )
    ).all():
        out[col][value] = tf
    return out
