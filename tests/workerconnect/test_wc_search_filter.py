"""The first-name pre-filter of person search returns exactly what ranking every candidate did."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.model import SourcePerson
from openhhs.workerconnect import search as search_mod
from openhhs.workerconnect.search import (
    SearchCriteria,
    first_name_required,
    search,
    standardize_criteria,
)


def _criteria(ro_world) -> list[SearchCriteria]:
    with Session(ro_world.engine) as s:
        rows = s.execute(
            select(SourcePerson.first_name, SourcePerson.last_name, SourcePerson.dob).where(
                SourcePerson.first_name.is_not(None), SourcePerson.last_name.is_not(None)
            )
        ).all()
    out = []
    for first, last, dob in rows:
        out += [
            SearchCriteria(first_name=first, last_name=last),
            SearchCriteria(first_name=first[:1], last_name=last),  # an initial
            SearchCriteria(first_name=first[:-1] + "x", last_name=last),  # a typo
            SearchCriteria(first_name="zzzz", last_name=last),  # nobody
            SearchCriteria(first_name=first, last_name=last, dob=str(dob) if dob else None),
        ]
    return out


def test_prefiltered_search_equals_ranking_every_candidate(ro_world, monkeypatch):
    with Session(ro_world.engine) as s:
        criteria = _criteria(ro_world)
        assert len(criteria) > 20
        filtered = [search(s, c, "HRA", page_size=50) for c in criteria]
        monkeypatch.setattr(search_mod, "first_name_required", lambda q, min_score=0.65: False)
        unfiltered = [search(s, c, "HRA", page_size=50) for c in criteria]
    assert [p.total for p in filtered] == [p.total for p in unfiltered]
    assert [[(h.enterprise_id, h.score, h.matched) for h in p.hits] for p in filtered] == [
        [(h.enterprise_id, h.score, h.matched) for h in p.hits] for p in unfiltered
    ]
    assert any(p.total for p in filtered) and not all(p.total for p in filtered)


@pytest.mark.parametrize(
    ("criteria", "required"),
    [
        (SearchCriteria(first_name="Ana", last_name="Ruiz"), True),  # 3 of 5 without the name
        (SearchCriteria(first_name="Ana", last_name="Ruiz", dob="1990-01-02"), False),
        (SearchCriteria(first_name="Ana", phone="212-555-0100"), True),
        (SearchCriteria(last_name="Ruiz", dob="1990-01-02"), False),  # no first name given
    ],
)
def test_first_name_required_follows_the_score_weights(criteria, required):
    assert first_name_required(standardize_criteria(criteria)) is required
