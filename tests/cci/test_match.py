"""Real-time index, match and upsert on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from openhhs.cci import index, registry, review
from openhhs.cci.match import features_of, match, upsert
from openhhs.cci.model import ActiveModel
from openhhs.cci.models import BlockKey, ReviewItem
from openhhs.errors import InvalidInput, NotFound

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


def test_index_survives_a_restart_and_is_shared_by_workers(
    engine: Engine, session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    a = add_person(**MARIA)
    upsert(session, a.id)
    session.commit()
    # a new session on a fresh connection pool plays the part of another API worker process
    engine.dispose()
    with Session(engine) as other:
        found = match(other, {**MARIA, "first_name": "Maria", "ssn": "212-45-9876"})
        assert [c.source_person_id for c in found] == [a.id]
        keys = other.scalar(select(func.count()).select_from(BlockKey))
        assert keys == len(index.index_keys(index.stored_features(other, a.id) or {}))


def test_match_ranks_candidates_with_probability_and_breakdown(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    same = add_person(agency="DHS", **{**MARIA, "first_name": "MARIA", "street": None})
    sister = add_person(**{**MARIA, "first_name": "ROSA", "ssn": "312456789", "dob": "1986-07-01"})
    for p in (same, sister):
        upsert(session, p.id)
    query = {**MARIA, "first_name": "Maria"}
    ranked = match(session, query, limit=5)
    assert ranked[0].source_person_id == same.id
    assert ranked[0].match_probability > 0.999
    assert ranked[0].enterprise_id == registry.enterprise_id_of(session, same.id)
    names = [p.comparison for p in ranked[0].breakdown]
    assert names == ["first_name", "last_name", "dob", "ssn", "sex", "contact"]
    assert sum(p.weight + p.tf_adjustment for p in ranked[0].breakdown) + (
        toy_model.scorer.prior_weight
    ) == pytest.approx(ranked[0].match_weight)
    ssn_part = next(p for p in ranked[0].breakdown if p.comparison == "ssn")
    assert ssn_part.level == 3 and ssn_part.weight > 15
    if len(ranked) > 1:
        assert ranked[1].match_weight <= ranked[0].match_weight
    assert ranked[0].as_dict()["breakdown"][0]["comparison"] == "first_name"


def test_match_refuses_garbage_and_unlinkable_records(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    add_person(**MARIA)
    assert match(session, {}) == []
    assert match(session, {"first_name": "MARIA"}) == []  # a name alone never matches
    assert match(session, {"first_name": "李小龍", "dob": "not a date"}) == []
    with pytest.raises(InvalidInput):
        match(session, MARIA, limit=0)
    with pytest.raises(InvalidInput):
        match(session, 3.5)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        match(session, 999_999)


def test_upsert_links_a_new_record_to_the_existing_enterprise_id(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    first = upsert(session, add_person(**MARIA).id)
    assert first.decision == "new" and first.enterprise_id
    dup = add_person(agency="DOE", **{**MARIA, "first_name": "MARÍA", "ssn": None})
    second = upsert(session, dup.id)
    assert second.decision == "linked"
    assert second.enterprise_id == first.enterprise_id
    assert second.best is not None and second.best.source_person_id == first.source_person_id
    # re-running the upsert of an unchanged record changes nothing
    again = upsert(session, dup.id)
    assert again.decision == "unchanged" and again.enterprise_id == first.enterprise_id
    kinds = [e.kind for e in registry.changes_since(session)]
    assert kinds == ["create", "link"]


def test_twins_with_different_ssns_never_link(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    a = upsert(session, add_person(**MARIA).id)
    twin = add_person(**{**MARIA, "first_name": "MARTA", "ssn": "345671234"})
    b = upsert(session, twin.id)
    assert b.decision == "new" and b.enterprise_id != a.enterprise_id


def test_uncertain_record_goes_to_review_with_a_new_id(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    a = upsert(session, add_person(**MARIA).id)
    vague = add_person(
        agency="DHS", first_name="MARIA", last_name="GONZALES", dob="1984-03-21", zip5="10001"
    )
    out = upsert(session, vague.id)
    assert out.decision == "review", out.reason
    assert out.enterprise_id != a.enterprise_id
    assert len(out.review_item_ids) == 1
    item = session.get(ReviewItem, out.review_item_ids[0])
    assert item is not None and {item.left_id, item.right_id} == {a.source_person_id, vague.id}
    assert item.breakdown and item.status == "pending"
    # the same upsert again does not queue the pair twice
    upsert(session, vague.id)
    assert review.pending_count(session) == 1


def test_margin_rule_sends_ambiguous_records_to_review(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    # two different people (different SSNs) who both look like the new record
    base = {**MARIA, "ssn": None, "street": None, "zip5": None}
    a = upsert(session, add_person(**{**base, "ssn": "212345678"}).id)
    b = upsert(session, add_person(agency="DHS", **{**base, "ssn": "444556666"}).id)
    assert a.enterprise_id != b.enterprise_id
    out = upsert(session, add_person(agency="DOE", **base).id)
    assert out.decision == "review" and "too close" in out.reason
    assert len(out.review_item_ids) == 2


def test_tombstoned_record_leaves_the_index_and_its_id(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    a = add_person(**MARIA)
    b = add_person(agency="DHS", **MARIA)
    upsert(session, a.id)
    linked = upsert(session, b.id)
    b.is_deleted = True
    session.flush()
    out = upsert(session, b.id)
    assert out.decision == "removed" and out.enterprise_id is None
    assert registry.members(session, linked.enterprise_id or "") == [a.id]
    assert [c.source_person_id for c in match(session, MARIA)] == [a.id]


def test_changed_record_that_no_longer_fits_leaves_its_id(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    a = add_person(**MARIA)
    b = add_person(agency="DHS", **MARIA)
    first = upsert(session, a.id)
    upsert(session, b.id)
    b.first_name, b.last_name, b.dob, b.ssn, b.ssn_last4 = "JOHN", "SMITH", None, "999887777", None
    b.street = b.zip5 = None
    session.flush()
    out = upsert(session, b.id)
    assert out.decision == "new" and out.enterprise_id != first.enterprise_id
    assert registry.members(session, first.enterprise_id or "") == [a.id]
    assert [e.kind for e in registry.changes_since(session)][-1] == "split"


def test_placeholder_identity_copies_stay_bounded(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    placeholder = {"first_name": "JOHN", "last_name": "DOE", "dob": "1950-01-01", "ssn": None}
    rows = [(add_person(**placeholder).id, features_of(placeholder)) for _ in range(60)]
    index.index_many(session, rows)
    found = index.candidate_ids(session, index.blocking_keys(rows[0][1]), cap=25)
    assert len(found) == 25  # a generic key is read only up to the cap
    assert len(match(session, placeholder, limit=1000)) <= index.KEY_CAP


def test_blocking_keys_are_hashed_and_selective() -> None:
    f = features_of(MARIA)
    keys = index.blocking_keys(f)
    assert len(keys) == len(set(keys)) >= 8
    assert all(len(k) <= 40 and "GONZALEZ" not in k and "212459876" not in k for k in keys)
    swapped = features_of({**MARIA, "first_name": "GONZALEZ", "last_name": "MARIA"})
    assert set(index.blocking_keys(swapped)) & set(keys)  # swapped names still meet
    assert index.blocking_keys(features_of({})) == []


def test_empty_and_name_only_records_never_join_anyone(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    outs = [upsert(session, add_person().id) for _ in range(2)]
    outs += [upsert(session, add_person(first_name="JOHN", last_name="SMITH").id) for _ in range(2)]
    outs += [upsert(session, add_person(first_name="JOHN", dob="1900-01-01").id) for _ in range(2)]
    assert all(o.decision == "new" for o in outs)
    assert len({o.enterprise_id for o in outs}) == len(outs)


def test_non_latin_names_link_and_score_like_latin_ones(
    session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    base = {"first_name": "李小龍", "last_name": "李", "dob": "1980-11-27", "ssn": "212459876"}
    a = upsert(session, add_person(**base).id)
    b = upsert(session, add_person(agency="DHS", **{**base, "ssn": None}).id)
    assert b.decision == "linked" and b.enterprise_id == a.enterprise_id
    cyr = {"first_name": "Иван", "last_name": "Петров", "dob": "1975-02-03", "ssn": "345671234"}
    c = upsert(session, add_person(**cyr).id)
    d = upsert(session, add_person(agency="DOE", **{**cyr, "first_name": "ИВАН"}).id)
    assert d.decision == "linked" and d.enterprise_id == c.enterprise_id != a.enterprise_id


def test_concurrent_upserts_of_one_person_share_an_id(
    engine: Engine, session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    """Two API workers link two records of one new person at once: one Enterprise ID."""
    import threading

    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serializes writers itself; the advisory lock is PostgreSQL's")
    a = add_person(**MARIA)
    b = add_person(agency="DHS", **MARIA)
    session.commit()
    barrier = threading.Barrier(2)
    results: dict[int, Any] = {}

    def work(rid: int) -> None:
        with Session(engine) as s:
            barrier.wait()
            results[rid] = upsert(s, rid)
            s.commit()

    threads = [threading.Thread(target=work, args=(r,)) for r in (a.id, b.id)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert {o.decision for o in results.values()} == {"new", "linked"}
    assert results[a.id].enterprise_id == results[b.id].enterprise_id


def test_another_process_sees_the_index(
    database_url: str, session: Session, add_person: PersonFactory, toy_model: ActiveModel
) -> None:
    """A second OS process (another API worker) matches against what this one indexed."""
    import json
    import subprocess
    import sys

    if not database_url.startswith("sqlite"):
        pytest.skip("one backend is enough to show the index lives in the database")
    a = add_person(**MARIA)
    upsert(session, a.id)
    session.commit()
    args = ["--first-name", "Maria", "--last-name", "Gonzalez", "--dob", "1984-03-12"]
    proc = subprocess.run(
        [sys.executable, "-m", "openhhs", "cci", "match", *args, "--database-url", database_url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert [c["source_person_id"] for c in json.loads(proc.stdout)] == [a.id]
