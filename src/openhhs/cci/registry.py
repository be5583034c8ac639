"""Persistent Enterprise IDs: random surrogates kept apart from any clustering run's labels.

A batch run hands over its clusters; `assign_enterprise_ids` maps them onto the existing IDs by
maximum record overlap, so an unchanged re-run changes nothing, a merge keeps the surviving ID and
aliases the other, and a split leaves the ID on the largest part. Every change is an `EidEvent`
row with membership before and after; `changes_since(cursor)` is the feed other capabilities read.
"""

from __future__ import annotations

import secrets
import string
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, insert, select, update
from sqlalchemy.orm import Session

from openhhs.cci.models import (
    EID_STATUS_ACTIVE,
    EID_STATUS_MERGED,
    EidEvent,
    EnterpriseId,
    GoldenOverride,
    Link,
)
from openhhs.db.base import utcnow
from openhhs.errors import InvalidInput, NotFound
from openhhs.model.person import SourcePerson

# Crockford-style alphabet without look-alikes (no I, L, O, U): IDs get read aloud on the phone.
_ALPHABET = "".join(c for c in string.digits + string.ascii_uppercase if c not in "ILOU")
EID_LENGTH = 12


def new_enterprise_id() -> str:
    """`E` + 12 random characters (~59 bits) from the OS CSPRNG: no PII, no order, no guessing."""
    return "E" + "".join(secrets.choice(_ALPHABET) for _ in range(EID_LENGTH))


def is_enterprise_id(value: str) -> bool:
    return (
        len(value) == EID_LENGTH + 1 and value[0] == "E" and all(c in _ALPHABET for c in value[1:])
    )


@dataclass(frozen=True)
class EidChange:
    """One entry of the change feed."""

    cursor: int
    kind: str
    enterprise_id: str
    other_enterprise_id: str | None
    before: dict[str, list[int]]
    after: dict[str, list[int]]
    actor: str
    reason: str | None
    created_at: str


@dataclass
class AssignReport:
    """What one `assign_enterprise_ids` call did (counts by event kind, records touched)."""

    clusters: int = 0
    records: int = 0
    unchanged_clusters: int = 0
    events: Counter[str] = field(default_factory=Counter)
    eid_by_cluster: list[str] = field(default_factory=list)


def _normalize_clusters(
    clusters: Iterable[Collection[int]] | Mapping[int, Any],
) -> list[list[int]]:
    """Accept clusters as groups of record ids, or as a `{record_id: cluster_label}` mapping."""
    groups: list[list[int]]
    if isinstance(clusters, Mapping):
        by_label: dict[Any, list[int]] = defaultdict(list)
        for rid, label in clusters.items():
            by_label[label].append(int(rid))
        groups = list(by_label.values())
    else:
        groups = [sorted({int(r) for r in c}) for c in clusters]
    seen: set[int] = set()
    out: list[list[int]] = []
    for g in groups:
        if not g:
            continue
        dup = seen.intersection(g)
        if dup:
            raise InvalidInput(
                "a source record appears in more than one cluster",
                details={"source_person_ids": sorted(dup)[:20]},
            )
        seen.update(g)
        out.append(sorted(g))
    return out


def _emit(
    session: Session,
    kind: str,
    eid: str,
    *,
    other: str | None = None,
    before: Mapping[str, Iterable[int]] | None = None,
    after: Mapping[str, Iterable[int]] | None = None,
    actor: str = "system",
    reason: str | None = None,
) -> EidEvent:
    event = EidEvent(
        kind=kind,
        enterprise_id=eid,
        other_enterprise_id=other,
        before={k: sorted(v) for k, v in (before or {}).items()},
        after={k: sorted(v) for k, v in (after or {}).items()},
        actor=actor,
        reason=reason,
    )
    session.add(event)
    return event


def create_enterprise_id(session: Session) -> str:
    """Insert a fresh active ID (retrying the astronomically unlikely collision)."""
    while True:
        eid = new_enterprise_id()
        if session.get(EnterpriseId, eid) is None:
            session.add(EnterpriseId(id=eid, status=EID_STATUS_ACTIVE))
            session.flush()
            return eid


def members(session: Session, enterprise_id: str) -> list[int]:
    """Source person ids linked to an Enterprise ID (aliases resolved to the survivor)."""
    eid = resolve(session, enterprise_id)
    rows = session.scalars(select(Link.source_person_id).where(Link.enterprise_id == eid))
    return sorted(rows)


def live_member_ids(linked_to: ColumnElement[bool]) -> Select[int]:
    """The ids of the live (not tombstoned) source records whose link satisfies `linked_to`
    (a condition on `Link.enterprise_id`), as a subquery for reads that select by person."""
    return (
        select(Link.source_person_id)
        .join(SourcePerson, SourcePerson.id == Link.source_person_id)
        .where(linked_to, SourcePerson.is_deleted.is_(False))
    )


def _members_of(session: Session, eid: str) -> list[int]:
    """Members of an active ID (no alias resolution: links only point at active IDs)."""
    rows = session.scalars(select(Link.source_person_id).where(Link.enterprise_id == eid))
    return sorted(rows)


def resolve(session: Session, enterprise_id: str) -> str:
    """Follow merge aliases to the surviving active ID; `NotFound` for an unknown ID."""
    seen: set[str] = set()
    current = enterprise_id
    while True:
        row = session.get(EnterpriseId, current)
        if row is None:
            raise NotFound(f"unknown enterprise id {enterprise_id!r}")
        if row.status != EID_STATUS_MERGED or row.merged_into is None or current in seen:
            return row.id
        seen.add(current)
        current = row.merged_into


def enterprise_id_of(session: Session, source_person_id: int) -> str | None:
    return session.scalar(
        select(Link.enterprise_id).where(Link.source_person_id == source_person_id)
    )


def link_record(
    session: Session,
    source_person_id: int,
    enterprise_id: str | None,
    *,
    method: str = "online",
    probability: float | None = None,
    actor: str = "system",
    reason: str | None = None,
) -> str:
    """Link one record to an ID (a new one when `enterprise_id` is None), recording the event."""
    previous = enterprise_id_of(session, source_person_id)
    if enterprise_id is None:
        target = create_enterprise_id(session)
    else:
        target = resolve(session, enterprise_id)
    if previous == target:
        return target
    before: dict[str, list[int]] = {}
    if previous is not None:
        before[previous] = _members_of(session, previous)
    target_before = [] if enterprise_id is None else _members_of(session, target)
    if target_before:
        before[target] = target_before
    row = session.get(Link, source_person_id) if previous is not None else None
    if row is None:
        session.add(
            Link(
                source_person_id=source_person_id,
                enterprise_id=target,
                method=method,
                match_probability=probability,
            )
        )
    else:
        row.enterprise_id = target
        row.method = method
        row.match_probability = probability
        row.linked_at = utcnow()
    session.flush()
    after = {target: [*target_before, source_person_id]}
    if previous is not None:
        after[previous] = [r for r in before[previous] if r != source_person_id]
    if enterprise_id is None:
        kind = "create" if previous is None else "split"
    else:
        kind = "link" if previous is None else "relink"
    _emit(
        session,
        kind,
        target,
        other=previous,
        before=before,
        after=after,
        actor=actor,
        reason=reason,
    )
    return target


def unlink_record(session: Session, source_person_id: int, *, actor: str = "system") -> None:
    """Drop a record's link (a tombstoned source record), recording the event."""
    previous = enterprise_id_of(session, source_person_id)
    if previous is None:
        return
    before = members(session, previous)
    session.execute(delete(Link).where(Link.source_person_id == source_person_id))
    session.flush()
    _emit(
        session,
        "unlink",
        previous,
        before={previous: before},
        after={previous: [r for r in before if r != source_person_id]},
        actor=actor,
    )


def merge(
    session: Session,
    survivor: str,
    absorbed: str,
    *,
    actor: str = "system",
    reason: str | None = None,
) -> str:
    """Move every record of `absorbed` to `survivor` and alias it; golden overrides follow."""
    survivor, absorbed = resolve(session, survivor), resolve(session, absorbed)
    if survivor == absorbed:
        return survivor
    before = {survivor: members(session, survivor), absorbed: members(session, absorbed)}
    _apply_merge(session, survivor, absorbed)
    _emit(
        session,
        "merge",
        survivor,
        other=absorbed,
        before=before,
        after={survivor: before[survivor] + before[absorbed]},
        actor=actor,
        reason=reason,
    )
    return survivor


def _apply_merge(session: Session, survivor: str, absorbed: str) -> None:
    session.execute(
        update(Link)
        .where(Link.enterprise_id == absorbed)
        .values(enterprise_id=survivor, linked_at=utcnow())
    )
    _move_overrides(session, absorbed, survivor)
    session.execute(
        update(EnterpriseId)
        .where(EnterpriseId.id == absorbed)
        .values(status=EID_STATUS_MERGED, merged_into=survivor, updated_at=utcnow())
    )
    # aliases of the absorbed ID now point straight at the survivor
    session.execute(
        update(EnterpriseId)
        .where(EnterpriseId.merged_into == absorbed)
        .values(merged_into=survivor, updated_at=utcnow())
    )
    session.flush()


def assign_enterprise_ids(
    session: Session,
    clusters: Iterable[Collection[int]] | Mapping[int, Any],
    *,
    method: str = "batch",
    actor: str = "batch",
) -> AssignReport:
    """Give each cluster of source records a persistent Enterprise ID.

    Clusters are matched to existing IDs by greatest record overlap (ties: the older ID, then the
    smaller id), one ID per cluster. An ID left without a cluster whose records all moved into
    one that kept another ID is merged into it (an alias); a cluster that gets no existing ID takes
    a new one (a split when its records had IDs, a create otherwise). Records absent from
    `clusters` keep their links. Flushes, does not commit.
    """
    groups = _normalize_clusters(clusters)
    report = AssignReport(clusters=len(groups), records=sum(len(g) for g in groups))
    mentioned = [r for g in groups for r in g]
    unknown: list[int] = []
    for chunk in _chunks(mentioned, 5000):
        known = set(session.scalars(select(SourcePerson.id).where(SourcePerson.id.in_(chunk))))
        unknown.extend(r for r in chunk if r not in known)
    if unknown:
        raise InvalidInput(
            f"{len(unknown)} clustered record id(s) are not stored source records",
            details={"source_person_ids": unknown[:20]},
        )
    current: dict[int, str] = {}
    for chunk in _chunks(mentioned, 5000):
        current.update(
            session.execute(
                select(Link.source_person_id, Link.enterprise_id).where(
                    Link.source_person_id.in_(chunk)
                )
            ).all()
        )
    old_eids = sorted(set(current.values()))
    created: dict[str, Any] = {}
    old_members: dict[str, list[int]] = defaultdict(list)
    for chunk in _chunks(old_eids, 5000):
        for eid, rid in session.execute(
            select(Link.enterprise_id, Link.source_person_id).where(Link.enterprise_id.in_(chunk))
        ).all():
            old_members[eid].append(rid)
        created.update(
            session.execute(
                select(EnterpriseId.id, EnterpriseId.created_at).where(EnterpriseId.id.in_(chunk))
            ).all()
        )

    # candidate (cluster, eid) pairs by overlap
    overlaps: list[tuple[int, Any, str, int]] = []
    for ci, g in enumerate(groups):
        counts = Counter(current[r] for r in g if r in current)
        for eid, n in counts.items():
            overlaps.append((-n, created.get(eid), eid, ci))
    overlaps.sort(key=lambda t: (t[0], t[1] is None, t[1] or 0, t[2], t[3]))
    eid_of_cluster: dict[int, str] = {}
    taken: set[str] = set()
    for _neg, _created, eid, ci in overlaps:
        if ci in eid_of_cluster or eid in taken:
            continue
        eid_of_cluster[ci] = eid
        taken.add(eid)

    new_eids: dict[int, str] = {}
    for ci in range(len(groups)):
        if ci not in eid_of_cluster:
            eid = create_enterprise_id(session)
            eid_of_cluster[ci] = eid
            new_eids[ci] = eid

    # membership after the run, for before/after in events
    target_of: dict[int, str] = {r: eid_of_cluster[ci] for ci, g in enumerate(groups) for r in g}
    after_members: dict[str, set[int]] = {e: set(m) for e, m in old_members.items()}
    for r, e in current.items():
        after_members[e].discard(r)
    for r, e in target_of.items():
        after_members.setdefault(e, set()).add(r)

    # which untaken old IDs end with no member: merged into the ID that took most of theirs
    absorbed: dict[str, str] = {}
    for eid in old_eids:
        if eid in taken or after_members.get(eid):
            continue
        dest = Counter(target_of[r] for r in old_members[eid] if r in target_of)
        absorbed[eid] = sorted(dest.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

    # write links
    changed = [(r, e) for r, e in target_of.items() if current.get(r) != e]
    now = utcnow()
    for chunk in _chunks(changed, 5000):
        ids = [r for r, _ in chunk]
        existing = set(
            session.scalars(select(Link.source_person_id).where(Link.source_person_id.in_(ids)))
        )
        for r, e in chunk:
            if r in existing:
                session.execute(
                    update(Link)
                    .where(Link.source_person_id == r)
                    .values(enterprise_id=e, method=method, linked_at=now)
                )
        fresh = [
            {"source_person_id": r, "enterprise_id": e, "method": method, "linked_at": now}
            for r, e in chunk
            if r not in existing
        ]
        if fresh:
            session.execute(insert(Link), fresh)
    session.flush()

    # events
    for ci, g in enumerate(groups):
        eid = eid_of_cluster[ci]
        if ci in new_eids:
            sources = sorted({current[r] for r in g if r in current})
            if not sources:
                _emit(session, "create", eid, after={eid: g}, actor=actor)
                report.events["create"] += 1
            for src in sources:
                if src in absorbed:
                    continue
                _emit(
                    session,
                    "split",
                    src,
                    other=eid,
                    before={src: old_members[src]},
                    after={src: after_members.get(src, set()), eid: g},
                    actor=actor,
                )
                report.events["split"] += 1
            continue
        moved_in = [r for r in g if current.get(r) != eid]
        if not moved_in:
            report.unchanged_clusters += 1
            continue
        by_source: dict[str | None, list[int]] = defaultdict(list)
        for r in moved_in:
            by_source[current.get(r)].append(r)
        for origin, rids in sorted(by_source.items(), key=lambda kv: kv[0] or ""):
            if origin is None:
                _emit(
                    session,
                    "link",
                    eid,
                    before={eid: old_members.get(eid, [])},
                    after={eid: after_members[eid]},
                    actor=actor,
                )
                report.events["link"] += 1
            elif absorbed.get(origin) == eid:
                continue  # reported as a merge below
            else:
                _emit(
                    session,
                    "relink",
                    eid,
                    other=origin,
                    before={eid: old_members.get(eid, []), origin: old_members[origin]},
                    after={eid: after_members[eid], origin: after_members.get(origin, set())},
                    actor=actor,
                    reason=f"{len(rids)} record(s) moved",
                )
                report.events["relink"] += 1
    for eid, survivor in sorted(absorbed.items()):
        session.execute(
            update(EnterpriseId)
            .where(EnterpriseId.id == eid)
            .values(status=EID_STATUS_MERGED, merged_into=survivor, updated_at=now)
        )
        session.execute(
            update(EnterpriseId)
            .where(EnterpriseId.merged_into == eid)
            .values(merged_into=survivor, updated_at=now)
        )
        _move_overrides(session, eid, survivor)
        _emit(
            session,
            "merge",
            survivor,
            other=eid,
            before={survivor: old_members.get(survivor, []), eid: old_members[eid]},
            after={survivor: after_members[survivor]},
            actor=actor,
        )
        report.events["merge"] += 1
    session.flush()
    report.eid_by_cluster = [eid_of_cluster[ci] for ci in range(len(groups))]
    return report


def _move_overrides(session: Session, absorbed: str, survivor: str) -> None:
    kept = set(
        session.scalars(
            select(GoldenOverride.field).where(GoldenOverride.enterprise_id == survivor)
        )
    )
    for ov in session.scalars(
        select(GoldenOverride).where(GoldenOverride.enterprise_id == absorbed)
    ).all():
        if ov.field not in kept:
            session.add(
                GoldenOverride(
                    enterprise_id=survivor,
                    field=ov.field,
                    value=ov.value,
                    actor=ov.actor,
                    reason=ov.reason,
                )
            )
        session.delete(ov)


def changes_since(session: Session, cursor: int = 0, limit: int = 1000) -> list[EidChange]:
    """Events after `cursor` in order; pass the last one's `.cursor` to read on."""
    rows = session.scalars(
        select(EidEvent).where(EidEvent.id > cursor).order_by(EidEvent.id).limit(limit)
    )
    return [
        EidChange(
            cursor=e.id,
            kind=e.kind,
            enterprise_id=e.enterprise_id,
            other_enterprise_id=e.other_enterprise_id,
            before=e.before,
            after=e.after,
            actor=e.actor,
            reason=e.reason,
            created_at=e.created_at.isoformat(),
        )
        for e in rows
    ]


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
