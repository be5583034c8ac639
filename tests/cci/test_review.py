"""Clerical review: queue, sticky decisions (batch and online), labels, precision, unmerge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from openhhs.cci import registry, review
from openhhs.cci.match import upsert
from openhhs.cci.model import ActiveModel
from openhhs.errors import Conflict, InvalidInput, NotFound

PersonFactory = Callable[..., Any]

MARIA = {
    "first_name": "MARIA",
    "last_name": "GONZALEZ",
    "dob": "1984-03-12",
    "sex": "F",
    "ssn": "212459876",
    "street": "12 MAIN ST",
    "zip5": "10001",
}
VAGUE = {"first_name": "MARIA", "last_name": "GONZALES", "dob": "1984-03-21", "zip5": "10001"}


def _queue_one(session: Session, add_person: PersonFactory) -> tuple[int, int, int]:
    a = upsert(session, add_person(**MARIA).id)
    b = upsert(session, add_person(agency="DHS", **VAGUE).id)
    assert b.decision == "review"
    return a.source_person_id, b.source_person_id, b.review_item_ids[0]


def test_pending_pairs_carry_both_records_and_the_breakdown(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    a, b, item_id = _queue_one(session, add_person)
    (pair,) = review.pending(session)
    assert pair.id == item_id and {pair.left_id, pair.right_id} == {a, b}
    assert pair.left_enterprise_id and pair.right_enterprise_id
    assert pair.left_enterprise_id != pair.right_enterprise_id
    assert 0.5 <= pair.match_probability < 0.995
    assert {p["comparison"] for p in pair.breakdown} >= {"first_name", "dob"}
    with pytest.raises(InvalidInput):
        review.pending(session, limit=0)


def test_same_decision_merges_and_sticks_online(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    a, b, item_id = _queue_one(session, add_person)
    eid_b = registry.enterprise_id_of(session, b)
    decided = review.decide(session, item_id, "same", actor="steward1")
    assert decided.status == "same"
    eid = registry.enterprise_id_of(session, a)
    assert eid == registry.enterprise_id_of(session, b)
    assert registry.resolve(session, eid_b or "") == eid
    assert [e.kind for e in registry.changes_since(session)][-1] == "merge"
    # re-matching the record keeps the steward's link
    again = upsert(session, b)
    assert again.enterprise_id == eid
    assert review.labels(session) == [(min(a, b), max(a, b), True)]
    assert review.never_link_pairs(session) == set()
    with pytest.raises(Conflict):
        review.decide(session, item_id, "different", actor="steward2")


def test_different_decision_is_a_never_link_for_batch_and_online(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    a, b, item_id = _queue_one(session, add_person)
    review.decide(session, item_id, "different", actor="steward1")
    assert review.never_link_pairs(session) == {(min(a, b), max(a, b))}
    # even a much closer version of the record no longer lands in review with `a`
    again = upsert(session, b)
    assert again.enterprise_id != registry.enterprise_id_of(session, a)
    assert again.review_item_ids == ()
    assert review.pending(session) == []


def test_precision_estimate_counts_decisions_and_audits(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    _a, _b, item_id = _queue_one(session, add_person)
    review.decide(session, item_id, "same", actor="s")
    est = review.precision_estimate(session)
    assert (est.decided, est.same, est.review_band_precision) == (1, 1, 1.0)
    # audit a random auto-linked pair
    upsert(session, add_person(agency="DOE", **MARIA).id)
    audit_ids = review.sample_auto_links(session, n=5, seed=1)
    assert len(audit_ids) == 1
    review.decide(session, audit_ids[0], "same", actor="s")
    est = review.precision_estimate(session)
    assert est.audited_auto_links == 1 and est.auto_link_precision == 1.0
    assert est.auto_link_precision_low is not None and 0 < est.auto_link_precision_low < 1


def test_unmerge_gives_a_new_id_never_links_and_rematches(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    a = upsert(session, add_person(**MARIA).id)
    b = upsert(session, add_person(agency="DHS", **MARIA).id)
    assert a.enterprise_id == b.enterprise_id
    out = review.unmerge(session, b.source_person_id, actor="steward1", reason="wrong person")
    assert out.enterprise_id not in (None, a.enterprise_id)
    assert registry.members(session, a.enterprise_id or "") == [a.source_person_id]
    pair = (a.source_person_id, b.source_person_id)
    assert review.never_link_pairs(session) == {pair}
    kinds = [e.kind for e in registry.changes_since(session)]
    assert "unmerge" in kinds
    ev = next(e for e in registry.changes_since(session) if e.kind == "unmerge")
    assert ev.before == {a.enterprise_id: sorted(pair)}
    # the never-link holds on every later re-match
    assert upsert(session, b.source_person_id).enterprise_id == out.enterprise_id
    with pytest.raises(Conflict):
        review.unmerge(session, a.source_person_id, actor="steward1")
    with pytest.raises(NotFound):
        review.unmerge(session, 999_999, actor="steward1")


def test_label_pair_validates(session: Session, add_person: PersonFactory) -> None:
    p = add_person(**MARIA)
    with pytest.raises(InvalidInput):
        review.label_pair(session, p.id, p.id, "same", actor="s")
    with pytest.raises(InvalidInput):
        review.label_pair(session, p.id, p.id + 1, "maybe", actor="s")  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        review.decide(session, 12345, "same", actor="s")
