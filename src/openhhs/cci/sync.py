"""Bring the online side in line with a batch run: rebuild the index and TF tables, queue reviews.

`openhhs link` assigns Enterprise IDs (`registry.assign_enterprise_ids`); then `rebuild_index`
makes every live record matchable in real time and refreshes the term frequencies the scorer
uses (the same count / non-null total as Splink's TF tables), and `queue_batch_review` puts the
batch's uncertain pairs in the stewards' queue.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.cci import index, review
from openhhs.cci.match import clear_caches, features_of, is_linkable
from openhhs.cci.scorer import Score, probability_from_weight
from openhhs.linkage.features import FEATURE_COLUMNS
from openhhs.model.person import SourcePerson

DEFAULT_TF_COLUMNS = ("first_name", "last_name", "zip5")


@dataclass(frozen=True)
class RebuildReport:
    records: int
    keys_per_record: float
    tf_columns: tuple[str, ...]


def _live_features(session: Session, chunk: int) -> Iterator[tuple[int, dict[str, Any]]]:
    last = 0
    while True:
        people = session.scalars(
            select(SourcePerson)
            .where(SourcePerson.id > last, SourcePerson.is_deleted.is_(False))
            .order_by(SourcePerson.id)
            .limit(chunk)
        ).all()
        if not people:
            return
        for p in people:
            yield p.id, features_of(p)
        last = people[-1].id
        for p in people:  # keep memory flat on a million records
            session.expunge(p)


def rebuild_index(
    session: Session, *, tf_columns: Iterable[str] | None = None, chunk: int = 5000
) -> RebuildReport:
    """Re-index every live source record and recompute TF tables. Flushes, does not commit."""
    if tf_columns is None:
        try:
            from openhhs.cci.model import active_model

            tf_columns = active_model(session).scorer.tf_columns or DEFAULT_TF_COLUMNS
        except Exception:  # no model yet: the usual TF columns
            tf_columns = DEFAULT_TF_COLUMNS
    cols = tuple(tf_columns)
    seen: list[dict[str, Any]] = []
    distinct: set[bytes] = set()
    keys = 0

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        nonlocal keys
        for rid, f in _live_features(session, chunk):
            # TF as batch linkage's Splink run sees it: linkable records, exact duplicates once
            if is_linkable(f):
                digest = hashlib.blake2b(
                    "\x1f".join(str(f.get(c)) for c in FEATURE_COLUMNS).encode(), digest_size=12
                ).digest()
                if digest not in distinct:
                    distinct.add(digest)
                    seen.append({c: f.get(c) for c in cols})
            keys += len(index.blocking_keys(f))
            yield rid, f

    n = index.index_many(session, rows(), chunk=chunk)
    index.store_term_frequencies(session, index.compute_term_frequencies(seen, cols))
    clear_caches()
    return RebuildReport(records=n, keys_per_record=keys / n if n else 0.0, tf_columns=cols)


def queue_batch_review(session: Session, pairs: Iterable[tuple[int, int, float, str]]) -> int:
    """Queue batch review pairs `(source_person_id_l, _r, match_weight, reason)`; returns count."""
    n = 0
    for left, right, weight, reason in pairs:
        if left == right:
            continue
        score = Score(float(weight), probability_from_weight(float(weight)), ())
        review.enqueue(session, int(left), int(right), score, reason=reason, origin="batch")
        n += 1
    return n
