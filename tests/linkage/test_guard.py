"""The household guard shared by batch `link` and the CCI's online matcher."""

from __future__ import annotations

import pandas as pd

from openhhs.linkage.batch import (
    GuardLevels,
    Scored,
    cluster,
    guard_levels,
    guard_reason,
    middles_differ,
    nickname_related,
    ssns_differ,
    year_only_date,
)
from openhhs.linkage.modelfile import Thresholds, default_model


def test_guard_levels_are_found_by_label_in_the_shipped_model() -> None:
    assert guard_levels(default_model().splink) == GuardLevels(dob_same_year=1, ssn_exact=3)
    # a model without those labels guards only a different DOB; its top SSN level is "exact"
    bare = {
        "comparisons": [
            {
                "output_column_name": "ssn",
                "comparison_levels": [
                    {"sql_condition": "x", "is_null_level": True},
                    {"sql_condition": "a", "label_for_charts": "same"},
                    {"sql_condition": "ELSE", "label_for_charts": "else"},
                ],
            }
        ]
    }
    assert guard_levels(bare) == GuardLevels(dob_same_year=0, ssn_exact=1, dob_exact=-2)


def test_siblings_twins_and_generations_need_a_human() -> None:
    # different first names (not nickname forms), same birth year, no exact SSN
    assert (
        guard_reason(0, 1, -1, None, None, strong=True, first_names=("ZOFIA", "HELENA"))
        == "first names differ"
    )
    assert (
        guard_reason(6, 1, -1, None, None, strong=True, dobs=("2010-03-06", "2010-11-21"))
        == "dates of birth differ"
    )
    assert guard_reason(6, 4, 3, "JR", "SR", strong=True) == "suffixes differ (JR/SR)"
    assert guard_reason(6, 4, 3, "JR", "SR", strong=False) == "suffixes differ (JR/SR)"
    # an exact SSN settles names and dates; a weak pair is the bands' business
    assert guard_reason(0, 0, 3, None, None, strong=True) == ""
    assert guard_reason(0, 0, -1, None, None, strong=False) == ""


def test_nickname_forms_and_year_only_dates_are_agreement() -> None:
    assert nickname_related("POLLY", "MARY") and nickname_related("REBECCA", "BECKY")
    assert not nickname_related("ZOFIA", "HELENA") and not nickname_related(None, "MARY")
    assert guard_reason(0, 4, -1, None, None, strong=True, first_names=("POLLY", "MARY")) == ""
    assert year_only_date("2011-01-01", "2011-02-04") and year_only_date("2011-02-04", "2011-01-01")
    assert not year_only_date("2010-01-01", "2011-02-04")  # another year
    assert not year_only_date("2011-03-06", "2011-02-04") and not year_only_date(None, "2011-01-01")
    assert guard_reason(6, 1, -1, None, None, strong=True, dobs=("2011-01-01", "2011-02-04")) == ""
    # a different year stays different even when one date is January 1
    assert (
        guard_reason(6, 0, -1, None, None, strong=True, dobs=("2011-01-01", "2012-02-04"))
        == "dates of birth differ"
    )


def test_two_valid_ssns_more_than_one_edit_apart_differ() -> None:
    assert ssns_differ("123456780", "987654320")
    assert not ssns_differ("123456780", "123456708")  # transposition
    assert not ssns_differ("123456780", None)
    assert ssns_differ("111223333", "441223333")  # same last four is no excuse


def test_a_chain_cannot_join_two_different_middle_initials() -> None:
    """A (middle J) ~ B (no middle) ~ C (middle S): the second merge is refused, to review."""
    frame = pd.DataFrame({"unique_id": [0, 1, 2]})
    scored = Scored(
        rep={0: 0, 1: 1, 2: 2},
        nodes=[0, 1, 2],
        ssn={},
        suffix={},
        first_name={0: "MIGUEL", 1: "MIGUEL", 2: "MIGUEL"},
        dob={0: "2015-02-25", 1: "2015-02-25", 2: "2015-02-25"},
        middle={0: "J", 2: "S"},
        pairs=[(20.0, 0.999999, 0, 1, 6, 5, -1), (19.0, 0.999998, 1, 2, 6, 5, -1)],
        non_matches=[],
        stats={},
    )
    result = cluster(frame, scored, Thresholds())
    ids = list(result.clusters["cluster_id"])
    assert ids[0] == ids[1] != ids[2]
    assert list(result.review["reason"]) == ["different middle initials"]
    assert middles_differ("J", "S")
    assert not middles_differ("J", None) and not middles_differ("J", "J")


def _scored(
    pairs: list[tuple[float, float, int, int, int, int, int]], n: int = 4, **kw: object
) -> Scored:
    base: dict[str, object] = {
        "rep": {i: i for i in range(n)},
        "nodes": list(range(n)),
        "ssn": {},
        "suffix": {},
        "first_name": {},
        "dob": {},
        "middle": {},
        "pairs": pairs,
        "non_matches": [],
        "stats": {},
    }
    return Scored(**(base | kw))  # type: ignore[arg-type]


def test_a_moved_household_vouches_for_a_same_name_same_birthday_pair() -> None:
    """MARIA at X ~ MARIA at Y (review band) links when JUAN at X is linked to JUAN at Y."""
    frame = pd.DataFrame({"unique_id": [0, 1, 2, 3]})
    first = {0: "MARIA", 1: "JUAN", 2: "MARIA", 3: "JUAN"}
    dob = {0: "1990-05-05", 1: "1988-01-01", 2: "1990-05-05", 3: "1988-01-01"}
    home = {0: "1 MAIN ST #2", 1: "1 MAIN ST #2", 2: "9 OAK AVE", 3: "9 OAK AVE"}
    moved = [(20.0, 0.999999, 1, 3, 8, 5, 3), (5.0, 0.97, 0, 2, 8, 5, -1)]
    result = cluster(
        frame, _scored(moved, first_name=first, dob=dob, street_unit=home), Thresholds()
    )
    ids = list(result.clusters["cluster_id"])
    assert ids[0] == ids[2] and ids[1] == ids[3] and ids[0] != ids[1]
    assert result.stats["household_links"] == 1 and result.review.empty

    # without the household link, or with another first name, the pair stays with a steward
    alone = cluster(
        frame, _scored(moved[1:], first_name=first, dob=dob, street_unit=home), Thresholds()
    )
    assert len(set(alone.clusters["cluster_id"])) == 4
    other = cluster(
        frame,
        _scored(moved, first_name={**first, 2: "MARTA"}, dob=dob, street_unit=home),
        Thresholds(),
    )
    assert list(other.review["reason"]) == ["uncertain"]


def test_one_record_per_source_links_mutual_best_and_never_within_a_source() -> None:
    frame = pd.DataFrame({"unique_id": [0, 1, 2], "file": ["A", "A", "B"]})
    pairs = [(30.0, 1.0, 0, 1, 8, 5, -1), (4.0, 0.94, 0, 2, 8, 5, -1), (2.0, 0.8, 1, 2, 8, 5, -1)]
    plain = cluster(frame, _scored(pairs, 3), Thresholds())
    assert len(set(plain.clusters["cluster_id"])) == 2  # 0~1 linked, 2 in review
    linked = cluster(frame, _scored(pairs, 3), Thresholds(), one_per_source="file")
    ids = list(linked.clusters["cluster_id"])
    assert ids[0] == ids[2] != ids[1]  # the mutual best across files; never two of file A


def test_one_record_per_source_waives_sibling_guards_for_a_strong_mutual_best() -> None:
    """FEBRL4-style: a first name replaced in one file; the two files list each person once."""
    frame = pd.DataFrame({"unique_id": [0, 1], "file": ["A", "B"]})
    scored = _scored([(30.0, 1.0, 0, 1, 0, 5, 2)], 2, first_name={0: "LARA", 1: "JORY"}, suffix={})
    assert list(cluster(frame, scored, Thresholds()).review["reason"]) == ["first names differ"]
    ids = list(cluster(frame, scored, Thresholds(), one_per_source="file").clusters["cluster_id"])
    assert ids[0] == ids[1]
    junior = _scored([(30.0, 1.0, 0, 1, 6, 5, 2)], 2, suffix={0: "JR", 1: "SR"})
    kept = cluster(frame, junior, Thresholds(), one_per_source="file")
    assert list(kept.review["reason"]) == ["suffixes differ (JR/SR)"]


def test_exact_ssn_and_date_of_birth_link_from_the_review_band() -> None:
    frame = pd.DataFrame({"unique_id": [0, 1, 2]})
    levels = guard_levels(default_model().splink)
    certain = (3.0, 0.89, 0, 1, 0, levels.dob_exact, levels.ssn_exact)
    dob_typo = (3.0, 0.89, 0, 2, 0, levels.dob_exact - 2, levels.ssn_exact)
    result = cluster(frame, _scored([certain, dob_typo], 3), Thresholds(), levels=levels)
    ids = list(result.clusters["cluster_id"])
    assert ids[0] == ids[1] != ids[2]
    assert list(result.review["reason"]) == ["uncertain"]
