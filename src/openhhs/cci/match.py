"""Real-time matching: `match` ranks candidates for one record; `upsert` links one stored record.

Both read the persistent index (`index.py`), score with the stored Splink model (`scorer.py`)
and decide with the model's own bands: auto-link at p >= auto_link unless a second Enterprise ID
scores within `margin` bits (then review), review at p >= review, otherwise a new Enterprise ID.
Steward decisions stick: a `different` label (never link) removes a candidate ID, a `same` label
forces it. Two valid SSNs that disagree confidently never link.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from openhhs.cci import index, registry
from openhhs.cci.model import ActiveModel, active_model
from openhhs.cci.models import Link, PairLabel
from openhhs.cci.scorer import ComparisonPart
from openhhs.errors import InvalidInput, NotFound
from openhhs.linkage import batch
from openhhs.linkage.features import source_person_record, to_features
from openhhs.linkage.frame import is_linkable
from openhhs.model.person import SourcePerson

Decision = Literal["linked", "new", "review", "unchanged", "removed"]


@dataclass(frozen=True)
class Candidate:
    """One indexed record that may be the same person, with the why."""

    source_person_id: int
    enterprise_id: str | None
    match_weight: float
    match_probability: float
    breakdown: tuple[ComparisonPart, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "source_person_id": self.source_person_id,
            "enterprise_id": self.enterprise_id,
            "match_weight": self.match_weight,
            "match_probability": self.match_probability,
            "breakdown": [p.as_dict() for p in self.breakdown],
        }


@dataclass(frozen=True)
class MatchOutcome:
    """What `upsert` did with one source record."""

    source_person_id: int
    enterprise_id: str | None
    decision: Decision
    reason: str
    best: Candidate | None = None
    candidates: tuple[Candidate, ...] = ()
    review_item_ids: tuple[int, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------- features


def features_of(record: SourcePerson | Mapping[str, Any]) -> dict[str, Any]:
    """Comparison features of a stored record or of a link-file-style mapping."""
    if isinstance(record, SourcePerson):
        return to_features(source_person_record(record))
    if isinstance(record, Mapping):
        return to_features(record)
    raise InvalidInput("a record must be a SourcePerson or a mapping of person fields")


def ssn_conflict(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two valid SSNs more than one edit apart: different people (batch's cannot-link rule)."""
    return batch.ssns_differ(a.get("ssn"), b.get("ssn"))


def dob_conflict(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two known dates of birth no single slip explains (batch's DOB cannot-link rule)."""
    return batch.dobs_differ(a.get("dob"), b.get("dob"))


def _dob_conflict_with_eid(
    session: Session, features: Mapping[str, Any], eid: str, rid: int
) -> bool:
    """Every known date of birth of the Enterprise ID's records clearly differs from this one's.

    Batch refuses such a merge at cluster level (`_Components.dob_conflict`), also when no
    record of the ID was a candidate (same-name father and son share no blocking key).
    """
    if not features.get("dob"):
        return False
    dobs = []
    for member in registry.members(session, eid):
        stored = index.stored_features(session, member) if member != rid else None
        if stored and stored.get("dob"):
            dobs.append(stored["dob"])
    return bool(dobs) and all(batch.dobs_differ(features["dob"], d) for d in dobs)


# ----------------------------------------------------------------------- TF cache


class _TfView(dict[str, float]):
    """A TF lookup; values never seen get the column's floor (a value seen once)."""

    floor: float = 0.0

    def get(self, key: Any, default: Any = None) -> Any:
        v = dict.get(self, key)
        return v if v is not None else (self.floor or default)


_tf_lock = threading.Lock()
_tf_cache: dict[tuple[str, str], tuple[float, dict[str, _TfView]]] = {}
TF_TTL_SECONDS = 300.0


def _term_frequencies(session: Session, model: ActiveModel) -> dict[str, _TfView]:
    bind = session.get_bind()
    key = (str(getattr(bind, "url", id(bind))), model.version)
    now = time.monotonic()
    with _tf_lock:
        hit = _tf_cache.get(key)
        if hit is not None and now - hit[0] < TF_TTL_SECONDS:
            return hit[1]
    tables = index.load_term_frequencies(session, model.scorer.tf_columns)
    views: dict[str, _TfView] = {}
    for col, table in tables.items():
        view = _TfView(table)
        view.floor = min(table.values()) if table else 0.0
        views[col] = view
    with _tf_lock:
        _tf_cache[key] = (now, views)
    return views


def clear_caches() -> None:
    """Forget cached TF tables (after `index.store_term_frequencies`)."""
    with _tf_lock:
        _tf_cache.clear()


# ----------------------------------------------------------------------------- match


def _score_candidates(
    session: Session,
    features: Mapping[str, Any],
    model: ActiveModel,
    exclude: int | None,
    explain: int | None = None,
) -> list[tuple[Candidate, dict[str, Any]]]:
    """Score every candidate; the breakdown only for the best `explain` (all when None).

    Weights first, then the "why" for the few shown: the breakdown objects cost about as much
    as the scoring itself, and a common name can bring a few hundred candidates.
    """
    ids = [i for i in index.candidate_ids(session, index.blocking_keys(features)) if i != exclude]
    rows = index.load_candidates(session, ids)
    scorer = model.scorer
    tf = _term_frequencies(session, model)
    if explain is not None:
        weighted = sorted(
            ((scorer.weight(features, f, tf), rid, f, eid) for rid, f, eid in rows),
            key=lambda t: (-t[0], t[1]),
        )
        rows = [(rid, f, eid) for _w, rid, f, eid in weighted[:explain]]
    out: list[tuple[Candidate, dict[str, Any]]] = []
    for rid, f, eid in rows:
        s = scorer.score(features, f, tf)
        out.append((Candidate(rid, eid, s.match_weight, s.match_probability, s.parts), f))
    out.sort(key=lambda t: (-t[0].match_weight, t[0].source_person_id))
    return out


def match(
    session: Session,
    record: SourcePerson | Mapping[str, Any] | int,
    limit: int = 10,
    *,
    model: ActiveModel | None = None,
) -> list[Candidate]:
    """Ranked candidates for a record (stored id, `SourcePerson`, or person fields).

    Each candidate carries match weight, probability and the per-comparison breakdown. A record
    without enough identity (see `is_linkable`) has no candidates.
    """
    if limit < 1 or limit > 1000:
        raise InvalidInput("limit must be between 1 and 1000")
    model = model or active_model(session)
    exclude: int | None = None
    if isinstance(record, int) and not isinstance(record, bool):
        exclude = record
        f = index.stored_features(session, record)
        if f is None:
            person = session.get(SourcePerson, record)
            if person is None:
                raise NotFound(f"source person record {record} not found")
            f = features_of(person)
    elif isinstance(record, SourcePerson | Mapping):
        if isinstance(record, SourcePerson):
            exclude = record.id
        f = features_of(record)
    else:
        raise InvalidInput("a record must be an id, a SourcePerson or a mapping of person fields")
    if not is_linkable(f):
        return []
    return [c for c, _f in _score_candidates(session, f, model, exclude, explain=limit)]


# ---------------------------------------------------------------------------- upsert


def _labels_for(session: Session, rid: int) -> tuple[set[int], set[int]]:
    """(records never to link with, records a steward said are the same person)."""
    never: set[int] = set()
    same: set[int] = set()
    rows = session.execute(
        select(PairLabel.left_id, PairLabel.right_id, PairLabel.label).where(
            or_(PairLabel.left_id == rid, PairLabel.right_id == rid)
        )
    ).all()
    for left, right, label in rows:
        other = right if left == rid else left
        (same if label == "same" else never).add(other)
    return never, same


def _eids_of(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        session.execute(
            select(Link.source_person_id, Link.enterprise_id).where(
                Link.source_person_id.in_(list(ids))
            )
        ).all()
    )


@dataclass
class _EidScore:
    eid: str
    best: Candidate
    features: Mapping[str, Any]
    forced: bool = False
    guard: str = ""


def guard_reason(
    model: ActiveModel, c: Candidate, a: Mapping[str, Any], b: Mapping[str, Any]
) -> str:
    """Batch linkage's guards on a strong pair (`openhhs.linkage.batch.guard_reason`).

    The candidate's breakdown holds the same comparison-vector values Splink gives batch, so
    both paths send the same pairs to review (same-year siblings, twins, JR/SR).
    """
    gamma = {p.comparison: p.level for p in c.breakdown}
    return batch.guard_reason(
        gamma.get("first_name", -1),
        gamma.get("dob", -1),
        gamma.get("ssn", -1),
        a.get("suffix"),
        b.get("suffix"),
        strong=True,
        first_names=(a.get("first_name"), b.get("first_name")),
        dobs=(a.get("dob"), b.get("dob")),
        levels=_guard_levels(model),
    )


_levels_cache: dict[int, tuple[ActiveModel, batch.GuardLevels]] = {}


def _guard_levels(model: ActiveModel) -> batch.GuardLevels:
    hit = _levels_cache.get(id(model))
    if hit is None or hit[0] is not model:
        hit = (model, batch.guard_levels(model.scorer.model))
        _levels_cache.clear()
        _levels_cache[id(model)] = hit
    return hit[1]


def decide(
    scored: list[tuple[Candidate, dict[str, Any]]],
    features: Mapping[str, Any],
    model: ActiveModel,
    *,
    blocked_eids: set[str],
    forced_eids: set[str],
) -> tuple[Decision, str, _EidScore | None, list[_EidScore]]:
    """Batch's three bands, guards and margin rule, over candidates grouped by Enterprise ID.

    Returns (decision, reason, the chosen/top ID, the IDs to put in review). Pure.
    """
    by_eid: dict[str, _EidScore] = {}
    for c, f in scored:
        if c.enterprise_id is None or c.enterprise_id in blocked_eids:
            continue
        cur = by_eid.get(c.enterprise_id)
        if cur is None or c.match_weight > cur.best.match_weight:
            by_eid[c.enterprise_id] = _EidScore(c.enterprise_id, c, f)
    for eid in forced_eids:
        if eid in by_eid:
            by_eid[eid].forced = True
    ranked = sorted(by_eid.values(), key=lambda e: (not e.forced, -e.best.match_weight, e.eid))
    if not ranked:
        return "new", "no candidate", None, []
    if ranked[0].forced:
        return "linked", "steward decision: same person", ranked[0], []
    bands = model.bands
    # batch refuses a merge that would put an explicit non-match pair (scored below review) in
    # one cluster: an ID holding a record this one clearly is not cannot be auto-linked
    non_match_eids = {c.enterprise_id for c, _f in scored if c.match_probability < bands.review}
    certain = {e.eid for e in ranked if _ssn_and_dob_exact(model, e.best)}
    for e in ranked:
        if e.best.match_probability >= bands.auto_link or e.eid in certain:
            e.guard = guard_reason(model, e.best, features, e.features)
            if not e.guard and e.eid in non_match_eids:
                e.guard = "a record of this Enterprise ID is a clear non-match"
    # batch links a review-band pair whose SSN and date of birth are both exact
    strong = [
        e
        for e in ranked
        if (
            e.best.match_probability >= bands.auto_link
            or (e.eid in certain and e.best.match_probability >= bands.review)
        )
        and not e.guard
    ]
    in_band = [e for e in ranked if e.best.match_probability >= bands.review]
    if not strong:
        top = ranked[0]
        if top.best.match_probability >= bands.review:
            why = top.guard or f"p={top.best.match_probability:.4f} in the review band"
            return "review", why, top, in_band[:3]
        return "new", f"best p={top.best.match_probability:.4f} below review", top, []
    first = strong[0]
    if len(strong) > 1:
        second = strong[1]
        close = first.best.match_weight - second.best.match_weight < bands.margin
        if close and _different(model, first.features, second.features):
            return "review", "second-best candidate too close", first, strong[:3]
    why = f"p={first.best.match_probability:.6f} >= auto-link {bands.auto_link}"
    if first.best.match_probability < bands.auto_link:
        why = f"p={first.best.match_probability:.4f}; SSN and date of birth exact"
    return "linked", why, first, strong[1:4]


def _ssn_and_dob_exact(model: ActiveModel, c: Candidate) -> bool:
    """The candidate's SSN and date of birth levels are both "exact" (batch's certain pairs)."""
    levels = _guard_levels(model)
    gamma = {p.comparison: p.level for p in c.breakdown}
    return gamma.get("ssn") == levels.ssn_exact and gamma.get("dob") == levels.dob_exact


def _different(model: ActiveModel, a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two candidates known to be different people: batch's cannot-link rules (SSNs, middle
    initials) or a pair below review."""
    if ssn_conflict(a, b) or batch.middles_differ(a.get("middle_initial"), b.get("middle_initial")):
        return True
    return model.scorer.score(a, b).match_probability < model.bands.review


def upsert(
    session: Session,
    source_record_id: int,
    *,
    model: ActiveModel | None = None,
    actor: str = "online",
) -> MatchOutcome:
    """Index one new or changed stored record and link it incrementally, without a batch run.

    Links to an existing Enterprise ID, a new one, or a new one plus review items, with the
    bands, guards and margin rule of batch linkage. A tombstoned record leaves the index and its
    Enterprise ID. Flushes, does not commit.
    """
    from openhhs.cci import review  # review imports match (unmerge re-matches)

    person = session.get(SourcePerson, source_record_id)
    if person is None:
        raise NotFound(f"source person record {source_record_id} not found")
    rid = person.id
    if person.is_deleted:
        index.remove_record(session, rid)
        registry.unlink_record(session, rid, actor=actor)
        return MatchOutcome(rid, None, "removed", "source record deleted (tombstone)")
    model = model or active_model(session)
    features = features_of(person)
    _lock_keys(session, index.blocking_keys(features))
    index.index_record(session, rid, features)
    current = registry.enterprise_id_of(session, rid)
    if not is_linkable(features):
        return _keep_alone(session, rid, current, actor, "not enough identity to link on")

    # batch never links a record without enough identity: neither may a new record join one
    scored = [t for t in _score_candidates(session, features, model, rid) if is_linkable(t[1])]
    candidates = [c for c, _f in scored]
    never, same = _labels_for(session, rid)
    blocked_ids = never | {c.source_person_id for c, f in scored if ssn_conflict(features, f)}
    eid_map = _eids_of(session, blocked_ids | same)
    blocked_eids = {eid_map[i] for i in blocked_ids if i in eid_map}
    forced_eids = {eid_map[i] for i in same if i in eid_map} - blocked_eids
    own_mates = set(registry.members(session, current)) - {rid} if current else set()
    decision, reason, top, to_review = decide(
        scored, features, model, blocked_eids=blocked_eids, forced_eids=forced_eids
    )
    # batch's DOB cannot-link holds for the whole cluster, candidates or not
    while (
        decision == "linked"
        and top is not None
        and top.eid not in forced_eids
        and not dob_conflict(features, top.features)  # scored, and it passed the guards
        and _dob_conflict_with_eid(session, features, top.eid, rid)
    ):
        blocked_eids.add(top.eid)
        decision, reason, top, to_review = decide(
            scored, features, model, blocked_eids=blocked_eids, forced_eids=forced_eids
        )
    if (
        decision == "review"
        and top is not None
        and _household_vouches(session, rid, features, top, current, model)
    ):
        decision, reason, to_review = "linked", "same name and birth date; household moved", []
    shown = tuple(candidates[:10])
    best = top.best if top else None
    if decision == "linked" and top is not None:
        if current == top.eid:
            eid: str = current
            decision = "unchanged"
        else:
            eid = _move(session, rid, current, top.eid, top.best.match_probability, actor, reason)
        # Batch chains every strong link: another ID this record strongly matches joins too,
        # unless its best record and the chosen one are known to differ (then a steward decides).
        queue: list[_EidScore] = []
        for other in to_review:
            # batch's DOB cannot-link on the cluster merge, unless this record's own link to
            # the other ID disagrees on DOB (scored, and it passed the guards)
            dobs_clash = not dob_conflict(features, other.features) and (
                dob_conflict(top.features, other.features)
                or _dob_conflict_with_eid(session, features, other.eid, rid)
            )
            if dobs_clash or _different(model, top.features, other.features):
                queue.append(other)
                continue
            survivor, absorbed = review._survivor(session, eid, other.eid)
            eid = registry.merge(
                session, survivor, absorbed, actor=actor, reason=f"record {rid} links both"
            )
            decision = "linked"
        items = _enqueue(session, review, rid, queue, "would merge")
        return MatchOutcome(rid, eid, decision, reason, best, shown, items)
    if decision == "review" and top is not None:
        keep = current if current and (current == top.eid or not own_mates) else None
        if keep is None:
            keep = _keep_alone(session, rid, current, actor, reason).enterprise_id
        why = "margin" if "close" in reason else "band"
        items = _enqueue(session, review, rid, [e for e in to_review if e.eid != keep], why)
        return MatchOutcome(rid, keep, "review", reason, best, shown, items)
    # no link: a record still matching its own ID keeps it; one that no longer fits leaves it
    if (
        current is not None
        and own_mates
        and any(
            c.enterprise_id == current and c.match_probability >= model.bands.review
            for c in candidates
        )
    ):
        return MatchOutcome(rid, current, "unchanged", reason, best, shown)
    out = _keep_alone(session, rid, current, actor, reason)
    return MatchOutcome(rid, out.enterprise_id, out.decision, reason, best, shown)


def _household_vouches(
    session: Session,
    rid: int,
    features: Mapping[str, Any],
    top: _EidScore,
    current: str | None,
    model: ActiveModel,
) -> bool:
    """Batch linkage's household evidence (`openhhs.linkage.batch._household_pass`) online.

    A review-band best candidate with the same first name and full date of birth at another
    address links when another record of this household already shares an Enterprise ID with
    another record of the candidate's household: the family moved together.
    """
    best = top.best
    if top.guard or not model.bands.review <= best.match_probability < model.bands.auto_link:
        return False
    if not batch.same_name_and_birth(
        (features.get("first_name"), top.features.get("first_name")),
        (features.get("dob"), top.features.get("dob")),
    ):
        return False
    home, theirs = features.get("street_unit"), top.features.get("street_unit")
    if not home or not theirs or home == theirs:
        return False
    if batch.middles_differ(features.get("middle_initial"), top.features.get("middle_initial")):
        return False
    mates = index.household_mates(session, features, exclude=rid)
    others = index.household_mates(session, top.features, exclude=best.source_person_id)
    if not mates or not others:
        return False
    skip = {top.eid, current}
    ours = set(_eids_of(session, set(mates)).values()) - skip
    return bool(ours & (set(_eids_of(session, set(others)).values()) - skip))


def _lock_keys(session: Session, keys: list[str]) -> None:
    """Serialize concurrent upserts of the same person across API workers (PostgreSQL).

    Two workers linking two records of one new person at the same moment would each see no
    candidate and mint two Enterprise IDs. A transaction-scoped advisory lock per blocking key
    (taken in sorted order: no deadlock) makes the second wait for the first's commit and then
    find its link. SQLite already serializes writers.
    """
    if session.get_bind().dialect.name != "postgresql" or not keys:
        return
    for key in sorted(keys):
        h = int.from_bytes(
            hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True
        )
        session.execute(text("SELECT pg_advisory_xact_lock(:h)"), {"h": h})


def _enqueue(
    session: Session, review: Any, rid: int, targets: list[_EidScore], why: str
) -> tuple[int, ...]:
    return tuple(
        review.enqueue(session, rid, e.best.source_person_id, e.best, reason=why, origin="online")
        for e in targets
    )


def _move(
    session: Session,
    rid: int,
    current: str | None,
    target: str,
    probability: float,
    actor: str,
    reason: str,
) -> str:
    if current is not None and set(registry.members(session, current)) == {rid}:
        # the record was alone: its old ID becomes an alias of the one it joins
        return registry.merge(session, target, current, actor=actor, reason=reason)
    return registry.link_record(
        session, rid, target, method="online", probability=probability, actor=actor, reason=reason
    )


def _keep_alone(
    session: Session, rid: int, current: str | None, actor: str, reason: str
) -> MatchOutcome:
    if current is not None and set(registry.members(session, current)) == {rid}:
        return MatchOutcome(rid, current, "unchanged", reason)
    eid = registry.link_record(session, rid, None, method="online", actor=actor, reason=reason)
    return MatchOutcome(rid, eid, "new", reason)
