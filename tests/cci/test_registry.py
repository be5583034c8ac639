"""Enterprise ID registry: stable across re-runs, overlap mapping, merge/split/relink events."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.cci import registry
from openhhs.cci.models import EnterpriseId, Link
from openhhs.errors import InvalidInput, NotFound

PersonFactory = Callable[..., Any]


def _records(add_person: PersonFactory, n: int) -> list[int]:
    return [add_person(first_name=f"P{i}").id for i in range(n)]


def _eid_map(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Link.source_person_id, Link.enterprise_id)).all())


def test_enterprise_ids_are_random_surrogates() -> None:
    ids = [registry.new_enterprise_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"E[0-9A-HJKMNP-TV-Z]{12}", e) for e in ids)
    assert all(registry.is_enterprise_id(e) for e in ids)
    # not sequential: consecutive IDs share no long common prefix
    shared = sum(a[:4] == b[:4] for a, b in itertools.pairwise(ids))
    assert shared < 5
    assert not registry.is_enterprise_id("E000000000001X")


def test_no_change_rerun_keeps_every_id_and_writes_no_event(
    session: Session, add_person: PersonFactory
) -> None:
    r = _records(add_person, 9)
    clusters = [r[0:3], r[3:5], r[5:6], r[6:9]]
    first = registry.assign_enterprise_ids(session, clusters)
    assert first.events["create"] == 4
    before = _eid_map(session)
    cursor = registry.changes_since(session)[-1].cursor
    again = registry.assign_enterprise_ids(session, [list(reversed(c)) for c in clusters][::-1])
    assert _eid_map(session) == before
    assert again.unchanged_clusters == 4 and sum(again.events.values()) == 0
    assert registry.changes_since(session, cursor) == []
    # a {record: label} mapping with other labels is the same clustering
    labels = {rid: f"c{i}" for i, c in enumerate(clusters) for rid in c}
    registry.assign_enterprise_ids(session, labels)
    assert _eid_map(session) == before


def test_new_records_join_existing_ids_by_overlap(
    session: Session, add_person: PersonFactory
) -> None:
    r = _records(add_person, 6)
    registry.assign_enterprise_ids(session, [r[0:2], r[2:4]])
    old = _eid_map(session)
    report = registry.assign_enterprise_ids(session, [[*r[0:2], r[4]], [*r[2:4], r[5]]])
    now = _eid_map(session)
    assert now[r[4]] == old[r[0]] and now[r[5]] == old[r[2]]
    assert report.events["link"] == 2
    ev = [e for e in registry.changes_since(session) if e.kind == "link"]
    assert any(e.after[old[r[0]]] == sorted([*r[0:2], r[4]]) for e in ev)


def test_merge_keeps_the_larger_id_and_aliases_the_other(
    session: Session, add_person: PersonFactory
) -> None:
    r = _records(add_person, 5)
    registry.assign_enterprise_ids(session, [r[0:3], r[3:5]])
    old = _eid_map(session)
    big, small = old[r[0]], old[r[3]]
    cursor = registry.changes_since(session)[-1].cursor
    registry.assign_enterprise_ids(session, [r])
    assert set(_eid_map(session).values()) == {big}
    alias = session.get(EnterpriseId, small)
    assert alias is not None and alias.status == "merged" and alias.merged_into == big
    assert registry.resolve(session, small) == big
    assert registry.members(session, small) == sorted(r)
    (event,) = registry.changes_since(session, cursor)
    assert event.kind == "merge" and event.enterprise_id == big
    assert event.other_enterprise_id == small
    assert event.before == {big: sorted(r[0:3]), small: sorted(r[3:5])}
    assert event.after == {big: sorted(r)}


def test_split_keeps_the_id_on_the_largest_part(
    session: Session, add_person: PersonFactory
) -> None:
    r = _records(add_person, 5)
    registry.assign_enterprise_ids(session, [r])
    eid = _eid_map(session)[r[0]]
    cursor = registry.changes_since(session)[-1].cursor
    report = registry.assign_enterprise_ids(session, [r[0:2], r[2:5]])
    now = _eid_map(session)
    assert {now[x] for x in r[2:5]} == {eid}
    new = now[r[0]]
    assert new != eid and now[r[1]] == new
    assert report.events["split"] == 1
    (event,) = registry.changes_since(session, cursor)
    assert event.kind == "split" and event.enterprise_id == eid and event.other_enterprise_id == new
    assert event.before == {eid: sorted(r)}
    assert event.after == {eid: sorted(r[2:5]), new: sorted(r[0:2])}


def test_a_moved_record_is_a_relink_event(session: Session, add_person: PersonFactory) -> None:
    r = _records(add_person, 6)
    registry.assign_enterprise_ids(session, [r[0:3], r[3:6]])
    a, b = _eid_map(session)[r[0]], _eid_map(session)[r[3]]
    cursor = registry.changes_since(session)[-1].cursor
    registry.assign_enterprise_ids(session, [r[0:2], r[2:6]])
    assert _eid_map(session)[r[2]] == b
    (event,) = registry.changes_since(session, cursor)
    assert event.kind == "relink" and event.enterprise_id == b and event.other_enterprise_id == a
    assert event.after == {b: sorted(r[2:6]), a: sorted(r[0:2])}


def test_records_left_out_of_a_run_keep_their_links(
    session: Session, add_person: PersonFactory
) -> None:
    r = _records(add_person, 4)
    registry.assign_enterprise_ids(session, [r[0:2], r[2:4]])
    before = _eid_map(session)
    registry.assign_enterprise_ids(session, [r[0:2]])
    assert _eid_map(session) == before


def test_bad_clusters_are_refused(session: Session, add_person: PersonFactory) -> None:
    r = _records(add_person, 3)
    with pytest.raises(InvalidInput):
        registry.assign_enterprise_ids(session, [r[0:2], r[1:3]])
    with pytest.raises(NotFound):
        registry.resolve(session, "ENOTANID00000")
    with pytest.raises(InvalidInput, match="not stored"):
        registry.assign_enterprise_ids(session, [[r[0], 999_999]])
    assert registry.changes_since(session) == []  # nothing written


def test_change_feed_pages_with_a_cursor(session: Session, add_person: PersonFactory) -> None:
    r = _records(add_person, 6)
    registry.assign_enterprise_ids(session, [[x] for x in r])
    page1 = registry.changes_since(session, 0, limit=4)
    page2 = registry.changes_since(session, page1[-1].cursor, limit=4)
    assert len(page1) == 4 and len(page2) == 2
    assert [e.kind for e in page1 + page2] == ["create"] * 6
    assert len({e.enterprise_id for e in page1 + page2}) == 6


def test_link_record_and_unlink_record_write_events(
    session: Session, add_person: PersonFactory
) -> None:
    r = _records(add_person, 2)
    eid = registry.link_record(session, r[0], None)
    assert registry.link_record(session, r[1], eid) == eid
    registry.unlink_record(session, r[1])
    kinds = [e.kind for e in registry.changes_since(session)]
    assert kinds == ["create", "link", "unlink"]
    assert registry.members(session, eid) == [r[0]]
