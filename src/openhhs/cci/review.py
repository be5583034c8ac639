"""Clerical review: uncertain pairs for data stewards, their sticky decisions, and un-merge.

A decision is a `PairLabel` (`same` or `different`); both the online path (`match.upsert`) and
batch clustering (`never_link_pairs`, `same_pairs`) obey it, so a steward never has to repeat
one. Decisions double as training labels (`labels`) and feed a live precision estimate. `unmerge`
follows SanteMPI's unlink: remove the link, issue a new Enterprise ID, add never-link
constraints, re-match.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from openhhs.cci import registry
from openhhs.cci.models import EnterpriseId, Link, PairLabel, ReviewItem
from openhhs.db.base import utcnow
from openhhs.errors import Conflict, InvalidInput, NotFound

Label = Literal["same", "different"]


def _pair(a: int, b: int) -> tuple[int, int]:
    if a == b:
        raise InvalidInput("a pair needs two different records")
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class ReviewPair:
    """One queue entry with both records' ids, their Enterprise IDs and the score breakdown."""

    id: int
    left_id: int
    right_id: int
    left_enterprise_id: str | None
    right_enterprise_id: str | None
    match_weight: float
    match_probability: float
    breakdown: list[dict[str, Any]]
    reason: str
    origin: str
    status: str
    created_at: str


@dataclass(frozen=True)
class PrecisionEstimate:
    """Share of reviewed pairs the stewards confirmed, overall and for audited auto-links."""

    decided: int
    same: int
    review_band_precision: float | None
    audited_auto_links: int
    audited_auto_links_same: int
    auto_link_precision: float | None
    auto_link_precision_low: float | None  # Wilson 95 % lower bound


def enqueue(
    session: Session,
    left_id: int,
    right_id: int,
    score: Any,
    *,
    reason: str = "band",
    origin: str = "online",
) -> int:
    """Queue a pair (idempotent while pending); `score` is a `Candidate` or `Score`."""
    a, b = _pair(left_id, right_id)
    existing = session.scalar(
        select(ReviewItem.id).where(
            ReviewItem.left_id == a, ReviewItem.right_id == b, ReviewItem.status == "pending"
        )
    )
    parts = getattr(score, "breakdown", None) or getattr(score, "parts", None) or ()
    if not parts:  # e.g. a batch pair: explain it with the current model when we can
        parts = _explain(session, a, b)
    breakdown = [p.as_dict() if hasattr(p, "as_dict") else dict(p) for p in parts]
    reason, origin = str(reason)[:200], str(origin)[:16]
    if existing is not None:
        item = session.get(ReviewItem, existing)
        assert item is not None
        item.match_weight = float(score.match_weight)
        item.match_probability = float(score.match_probability)
        item.breakdown = breakdown
        session.flush()
        return existing
    item = ReviewItem(
        left_id=a,
        right_id=b,
        match_weight=float(score.match_weight),
        match_probability=float(score.match_probability),
        breakdown=breakdown,
        reason=reason,
        origin=origin,
        status="pending",
    )
    session.add(item)
    session.flush()
    return item.id


def _explain(session: Session, a: int, b: int) -> tuple[Any, ...]:
    from openhhs.cci import index
    from openhhs.cci.match import _term_frequencies
    from openhhs.cci.model import active_model

    fa, fb = index.stored_features(session, a), index.stored_features(session, b)
    if fa is None or fb is None:
        return ()
    try:
        model = active_model(session)
    except NotFound:
        return ()
    return model.scorer.score(fa, fb, _term_frequencies(session, model)).parts


def _as_pair(item: ReviewItem, eids: dict[int, str]) -> ReviewPair:
    return ReviewPair(
        id=item.id,
        left_id=item.left_id,
        right_id=item.right_id,
        left_enterprise_id=eids.get(item.left_id),
        right_enterprise_id=eids.get(item.right_id),
        match_weight=item.match_weight,
        match_probability=item.match_probability,
        breakdown=list(item.breakdown),
        reason=item.reason,
        origin=item.origin,
        status=item.status,
        created_at=item.created_at.isoformat(),
    )


def pending(session: Session, limit: int = 50, offset: int = 0) -> list[ReviewPair]:
    """Pending pairs, most uncertain (probability closest to 0.5) first."""
    if not 1 <= limit <= 1000 or offset < 0:
        raise InvalidInput("limit must be 1..1000 and offset >= 0")
    items = session.scalars(
        select(ReviewItem)
        .where(ReviewItem.status == "pending")
        .order_by(func.abs(ReviewItem.match_probability - 0.5), ReviewItem.id)
        .limit(limit)
        .offset(offset)
    ).all()
    ids = {i.left_id for i in items} | {i.right_id for i in items}
    eids = (
        dict(
            session.execute(
                select(Link.source_person_id, Link.enterprise_id).where(
                    Link.source_person_id.in_(list(ids))
                )
            ).all()
        )
        if ids
        else {}
    )
    return [_as_pair(i, eids) for i in items]


def get(session: Session, item_id: int) -> ReviewPair:
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise NotFound(f"review item {item_id} not found")
    eids = {
        r: e
        for r in (item.left_id, item.right_id)
        if (e := registry.enterprise_id_of(session, r)) is not None
    }
    return _as_pair(item, eids)


def label_pair(
    session: Session,
    left_id: int,
    right_id: int,
    label: Label,
    *,
    actor: str,
    source: str = "steward",
    probability: float | None = None,
) -> None:
    """Record (or change) a sticky decision on a pair."""
    if label not in ("same", "different"):
        raise InvalidInput("label must be 'same' or 'different'")
    a, b = _pair(left_id, right_id)
    row = session.get(PairLabel, (a, b))
    if row is None:
        session.add(
            PairLabel(
                left_id=a,
                right_id=b,
                label=label,
                source=source,
                actor=actor,
                match_probability=probability,
            )
        )
    else:
        row.label = label
        row.source = source
        row.actor = actor
        row.created_at = utcnow()
    session.flush()


def decide(session: Session, item_id: int, decision: Label, *, actor: str) -> ReviewPair:
    """Apply a steward's decision: `same` merges the two IDs, `different` separates them."""
    if decision not in ("same", "different"):
        raise InvalidInput("decision must be 'same' or 'different'")
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise NotFound(f"review item {item_id} not found")
    if item.status != "pending":
        raise Conflict(f"review item {item_id} was already decided ({item.status})")
    label_pair(
        session,
        item.left_id,
        item.right_id,
        decision,
        actor=actor,
        source="review",
        probability=item.match_probability,
    )
    now = utcnow()
    session.execute(
        update(ReviewItem)
        .where(
            ReviewItem.left_id == item.left_id,
            ReviewItem.right_id == item.right_id,
            ReviewItem.status == "pending",
        )
        .values(status=decision, decided_by=actor, decided_at=now)
    )
    session.flush()
    left_eid = registry.enterprise_id_of(session, item.left_id)
    right_eid = registry.enterprise_id_of(session, item.right_id)
    if decision == "same":
        if left_eid and right_eid and left_eid != right_eid:
            survivor, absorbed = _survivor(session, left_eid, right_eid)
            registry.merge(session, survivor, absorbed, actor=actor, reason=f"review {item_id}")
        elif left_eid is None or right_eid is None:
            target = left_eid or right_eid
            for rid in (item.left_id, item.right_id):
                target = registry.link_record(
                    session, rid, target, method="steward", actor=actor, reason=f"review {item_id}"
                )
    elif left_eid is not None and left_eid == right_eid:
        # only this pair is known to differ: the right record leaves and is matched again
        _separate(session, item.right_id, actor=actor, reason=f"review {item_id}", never_with=[])
    session.refresh(item)
    return get(session, item_id)


def _survivor(session: Session, a: str, b: str) -> tuple[str, str]:
    """The larger ID survives a merge; on a tie the older one."""

    def key(eid: str) -> tuple[int, Any, str]:
        size = session.scalar(select(func.count()).where(Link.enterprise_id == eid)) or 0
        created = session.scalar(select(EnterpriseId.created_at).where(EnterpriseId.id == eid))
        return (-size, created, eid)

    first, second = sorted((a, b), key=key)
    return first, second


def unmerge(
    session: Session, source_person_id: int, *, actor: str, reason: str | None = None
) -> Any:
    """Take a record out of its Enterprise ID: new ID, never-link with its former mates, re-match.

    Returns the `MatchOutcome` of the re-match (which may join another Enterprise ID, never the
    former one).
    """
    return _separate(session, source_person_id, actor=actor, reason=reason, never_with=None)


def _separate(
    session: Session,
    source_person_id: int,
    *,
    actor: str,
    reason: str | None,
    never_with: list[int] | None,
) -> Any:
    from openhhs.cci.match import upsert

    current = registry.enterprise_id_of(session, source_person_id)
    if current is None:
        raise NotFound(f"source person record {source_person_id} is not linked")
    mates = [r for r in registry.members(session, current) if r != source_person_id]
    if not mates:
        raise Conflict("the record is alone in its Enterprise ID: nothing to un-merge")
    for other in mates if never_with is None else never_with:
        label_pair(session, source_person_id, other, "different", actor=actor, source="unmerge")
    new_eid = registry.link_record(
        session, source_person_id, None, method="steward", actor=actor, reason=reason
    )
    registry._emit(
        session,
        "unmerge",
        current,
        other=new_eid,
        before={current: [*mates, source_person_id]},
        after={current: mates, new_eid: [source_person_id]},
        actor=actor,
        reason=reason,
    )
    session.flush()
    return upsert(session, source_person_id, actor=actor)


def never_link_pairs(session: Session) -> set[tuple[int, int]]:
    """Pairs (smaller id first) stewards said are different people: batch clustering obeys them."""
    rows = session.execute(
        select(PairLabel.left_id, PairLabel.right_id).where(PairLabel.label == "different")
    ).all()
    return {(int(a), int(b)) for a, b in rows}


def same_pairs(session: Session) -> set[tuple[int, int]]:
    """Pairs stewards confirmed as the same person (must-link for batch clustering)."""
    rows = session.execute(
        select(PairLabel.left_id, PairLabel.right_id).where(PairLabel.label == "same")
    ).all()
    return {(int(a), int(b)) for a, b in rows}


def labels(session: Session) -> list[tuple[int, int, bool]]:
    """Every steward label as `(left_id, right_id, is_match)`: training and evaluation data."""
    rows = session.execute(
        select(PairLabel.left_id, PairLabel.right_id, PairLabel.label).order_by(
            PairLabel.left_id, PairLabel.right_id
        )
    ).all()
    return [(int(a), int(b), label == "same") for a, b, label in rows]


def sample_auto_links(session: Session, n: int = 20, *, seed: int | None = None) -> list[int]:
    """Queue `n` random auto-linked pairs (origin `audit`) so stewards can measure precision."""
    rows = session.execute(
        select(Link.enterprise_id, Link.source_person_id).where(
            Link.method.in_(("batch", "online"))
        )
    ).all()
    by_eid: dict[str, list[int]] = {}
    for eid, rid in rows:
        by_eid.setdefault(eid, []).append(rid)
    multi = sorted(e for e, m in by_eid.items() if len(m) > 1)
    rng = random.Random(seed)  # noqa: S311 - sampling for audit, not security
    out: list[int] = []
    for eid in rng.sample(multi, min(n, len(multi))):
        a, b = rng.sample(sorted(by_eid[eid]), 2)
        link = session.get(Link, b)
        p = link.match_probability if link and link.match_probability is not None else 1.0
        score = _Audit(match_weight=_weight(p), match_probability=p)
        out.append(enqueue(session, a, b, score, reason="audit", origin="audit"))
    return out


@dataclass(frozen=True)
class _Audit:
    match_weight: float
    match_probability: float
    breakdown: tuple[Any, ...] = ()


def _weight(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log2(p / (1 - p))


def _wilson_low(k: int, n: int, z: float = 1.96) -> float | None:
    if n == 0:
        return None
    phat = k / n
    denom = 1 + z * z / n
    centre = phat + z * z / (2 * n)
    margin = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n))
    return (centre - margin) / denom


def precision_estimate(session: Session) -> PrecisionEstimate:
    """Live precision from steward decisions: review band, and audited auto-links."""
    rows: Sequence[Any] = session.execute(
        select(ReviewItem.origin, ReviewItem.status, func.count())
        .where(ReviewItem.status.in_(("same", "different")))
        .group_by(ReviewItem.origin, ReviewItem.status)
    ).all()
    decided = same = audited = audited_same = 0
    for origin, status, n in rows:
        if origin == "audit":
            audited += n
            audited_same += n if status == "same" else 0
        else:
            decided += n
            same += n if status == "same" else 0
    return PrecisionEstimate(
        decided=decided,
        same=same,
        review_band_precision=same / decided if decided else None,
        audited_auto_links=audited,
        audited_auto_links_same=audited_same,
        auto_link_precision=audited_same / audited if audited else None,
        auto_link_precision_low=_wilson_low(audited_same, audited),
    )


def pending_count(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(ReviewItem).where(and_(ReviewItem.status == "pending"))
        )
        or 0
    )
