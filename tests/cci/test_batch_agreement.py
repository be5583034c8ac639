"""Online `upsert`, record by record, decides what batch `link` decides on the same records."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from sqlalchemy.orm import Session

from openhhs.cci import registry, review
from openhhs.cci.match import upsert
from openhhs.cci.model import from_document, use_model
from openhhs.cci.sync import queue_batch_review, rebuild_index
from openhhs.linkage import toycity
from openhhs.linkage.batch import link
from openhhs.linkage.features import source_person_record, to_features
from openhhs.linkage.frame import feature_frame
from openhhs.linkage.modelfile import default_model
from openhhs.model import Agency, SourcePerson, SourceSystem

pytestmark = pytest.mark.slow


def _pairs(labels: Mapping[int, Any]) -> set[tuple[int, int]]:
    groups: dict[Any, list[int]] = defaultdict(list)
    for rid, label in labels.items():
        groups[label].append(rid)
    return {p for g in groups.values() for p in itertools.combinations(sorted(g), 2)}


@pytest.fixture
def city(session: Session) -> Iterator[list[tuple[SourcePerson, dict[str, Any]]]]:
    logging.getLogger("splink").setLevel(logging.ERROR)
    rows = toycity.generate(households=60, seed=11)
    for agency in sorted({r["source"] for r in rows}):
        session.add(Agency(id=agency, name=agency))
        session.add(SourceSystem(id=agency.lower(), agency_id=agency, name=agency))
    session.flush()
    people = []
    for r in rows:
        f = to_features(r)
        p = SourcePerson(
            agency_id=r["source"],
            source_system_id=r["source"].lower(),
            source_id=r["record_id"],
            record_hash=r["record_id"],
            raw=r,
            first_name=r["first_name"] or None,
            middle_name=r["middle_name"] or None,
            last_name=r["last_name"] or None,
            suffix=r["suffix"] or None,
            dob=dt.date.fromisoformat(f["dob"]) if f["dob"] else None,
            sex=r["sex"] or None,
            ssn=r["ssn"] or None,
            phone=r["phone"] or None,
            street=r["street"] or None,
            unit=r["unit"] or None,
            zip5=r["zip"] or None,
        )
        session.add(p)
        people.append((p, r))
    session.flush()
    use_model(from_document(default_model()))
    yield people
    use_model(None)


def test_upsert_agrees_with_batch_link(
    session: Session, city: list[tuple[SourcePerson, dict[str, Any]]]
) -> None:
    people = [p for p, _ in city]
    assert all(to_features(source_person_record(p)) == to_features(r) for p, r in city)
    frame = feature_frame([source_person_record(p) for p in people])
    result = link(frame, default_model(), relambda=False)
    ids = [p.id for p in people]
    batch = {
        ids[int(u)]: int(c)
        for u, c in zip(result.clusters["unique_id"], result.clusters["cluster_id"], strict=True)
    }
    # online: the nightly TF refresh has run, then records arrive one at a time
    report = rebuild_index(session)
    assert report.records == len(people) and report.keys_per_record > 5
    for p in people:
        upsert(session, p.id)
    online = {p.id: registry.enterprise_id_of(session, p.id) for p in people}
    b, o = _pairs(batch), _pairs(online)
    assert len(b) > 100
    agreement = 2 * len(b & o) / (len(b) + len(o))
    # one guard, one linkable rule (0.9848 measured; the rest: the toy city's own term
    # frequencies online vs the model's training frequencies in a small batch, and arrival
    # order: a record without DOB joins the first LISA SMITH online, while batch gives it to
    # its strongest link, and the DOB cannot-link then keeps the other LISA SMITH out in both)
    assert agreement >= 0.98, (len(b), len(o), len(b & o))
    truth = _pairs({p.id: r["person_id"] for p, r in city})
    # online is as precise as batch on the labelled toy city (the model's errors are shared)
    assert len(o & truth) / len(o) >= len(b & truth) / len(b) - 0.01

    # the batch's EIDs on the same records keep what online decided where they agree
    before = dict(online)
    registry.assign_enterprise_ids(session, batch)
    after = {p.id: registry.enterprise_id_of(session, p.id) for p in people}
    kept = sum(before[r] == after[r] for r in before)
    assert kept / len(before) >= 0.95

    # batch review pairs land in the stewards' queue with a breakdown
    queued = queue_batch_review(
        session,
        [
            (ids[int(r.unique_id_l)], ids[int(r.unique_id_r)], r.match_weight, r.reason)
            for r in result.review.itertuples(index=False)
        ],
    )
    assert queued == len(result.review)
    batch_items = [p for p in review.pending(session, limit=1000) if p.origin == "batch"]
    assert batch_items and all(p.breakdown for p in batch_items)
