"""Batch clustering: bands, constraints, no chaining, nothing linked by garbage."""

from __future__ import annotations

from typing import Any

import pandas as pd

from openhhs.linkage.batch import link, pairwise_metrics
from openhhs.linkage.frame import feature_frame
from openhhs.linkage.modelfile import LinkageModel

BASE = {
    "first_name": "Maria",
    "last_name": "Gonzalez",
    "dob": "1984-03-07",
    "sex": "F",
    "street": "55 Ocean Ave",
    "unit": "3C",
    "zip": "11226",
    "phone": "718-555-0182",
}


def _clusters(rows: list[dict[str, Any]], model: LinkageModel, **kw: Any) -> tuple[list[int], Any]:
    result = link(feature_frame(rows), model, **kw)
    return result.clusters["cluster_id"].tolist(), result


def test_same_person_with_typos_links_and_stranger_does_not(model: LinkageModel) -> None:
    rows = [
        BASE | {"ssn": "212-55-1234"},
        BASE | {"first_name": "Mari", "ssn": "212551234", "phone": ""},
        BASE | {"dob": "1984-07-03", "phone": ""},  # day and month swapped
        {"first_name": "John", "last_name": "Okafor", "dob": "1990-01-02", "zip": "10451"},
    ]
    clusters, _ = _clusters(rows, model)
    assert clusters[0] == clusters[1] == clusters[2]
    assert clusters[3] != clusters[0]


def test_never_link_is_respected(model: LinkageModel) -> None:
    rows = [BASE | {"ssn": "212551234"}, BASE | {"ssn": "212551234"}, BASE]
    free, _ = _clusters(rows, model)
    assert free[0] == free[1] == free[2]
    kept_apart, result = _clusters(rows, model, never_link=[(0, 2)])
    assert kept_apart[0] != kept_apart[2]
    assert result.stats["largest_cluster"] <= 2


def test_different_valid_ssns_never_merge_even_through_a_chain(model: LinkageModel) -> None:
    # 0 and 2 have different valid SSNs; 1 (no SSN) matches both: it must not chain them.
    rows = [
        BASE | {"ssn": "212551234"},
        BASE,
        BASE | {"ssn": "387204411"},
    ]
    clusters, result = _clusters(rows, model)
    assert clusters[0] != clusters[2]
    assert result.stats["largest_cluster"] <= 2
    assert len(result.review) >= 1  # the refused or ambiguous link goes to a human


def test_twins_go_to_review_not_auto_link(model: LinkageModel) -> None:
    twin = BASE | {"first_name": "Jose", "sex": "M"}
    clusters, _ = _clusters([BASE, twin], model)
    assert clusters[0] != clusters[1]


def test_margin_rule_sends_ambiguous_record_to_review(model: LinkageModel) -> None:
    # Two people known to differ (different SSNs); a third record fits both equally well.
    a = BASE | {"first_name": "Ana", "ssn": "212551234"}
    b = BASE | {"first_name": "Ana", "ssn": "387204411"}
    c = BASE | {"first_name": "Ana"}
    clusters, result = _clusters([a, b, c], model)
    assert clusters[2] not in (clusters[0], clusters[1])
    reasons = set(result.review["reason"])
    assert "second-best candidate too close" in reasons


def test_margin_rule_reads_different_ssns_only_as_a_cannot_link(model: LinkageModel) -> None:
    """With `ssn_cannot_link=False` (an unverified id) two SSNs do not make two people."""
    a = BASE | {"first_name": "Ana", "ssn": "212551234"}
    b = BASE | {"first_name": "Ana", "ssn": "387204411"}
    c = BASE | {"first_name": "Ana"}
    clusters, result = _clusters([a, b, c], model, ssn_cannot_link=False)
    assert "second-best candidate too close" not in set(result.review["reason"])
    assert clusters[2] in (clusters[0], clusters[1])


def test_empty_and_name_only_records_never_join(model: LinkageModel) -> None:
    rows = [{}, {}, {"street": "1 Main St"}, {"street": "1 Main St"}]
    rows += [{"first_name": "John", "last_name": "Smith"}] * 2
    clusters, _ = _clusters(rows, model)
    assert len(set(clusters)) == len(rows)


def test_placeholder_identity_copies_collapse_cheaply(model: LinkageModel) -> None:
    copy = {"first_name": "John", "last_name": "Doe", "dob": "1985-06-15", "ssn": "219055555"}
    clusters, result = _clusters([copy] * 2000 + [BASE], model)
    assert len(set(clusters[:2000])) == 1
    assert clusters[2000] != clusters[0]
    assert result.stats["distinct_records"] == 2


def test_pairwise_metrics() -> None:
    m = pairwise_metrics([1, 1, 1, 2], ["a", "a", "b", "b"])
    assert m["predicted_pairs"] == 3 and m["true_pairs"] == 2 and m["correct_pairs"] == 1
    assert abs(m["precision"] - 1 / 3) < 1e-9 and m["recall"] == 0.5
    assert pairwise_metrics([1, 2], ["a", "b"])["f1"] == 1.0


def test_toy_city_quality(model: LinkageModel) -> None:
    from openhhs.linkage import toycity

    rows = toycity.generate(households=300, seed=5)
    frame = feature_frame(rows, keep=("person_id",))
    result = link(frame, model)
    merged = pd.DataFrame({"c": result.clusters["cluster_id"], "t": frame["person_id"]})
    metrics = pairwise_metrics(merged["c"], merged["t"])
    assert metrics["precision"] >= 0.99
    assert metrics["recall"] >= 0.9


def test_link_only_never_links_within_a_source_and_pairs_one_to_one(model: LinkageModel) -> None:
    rows = [
        BASE | {"ssn": "212-55-1234", "source": "A"},
        BASE | {"first_name": "Mari", "ssn": "212551234", "source": "A"},
        BASE | {"phone": "", "ssn": "212551234", "source": "B"},
    ]
    dedupe, _ = _clusters(rows, model)
    assert dedupe[0] == dedupe[1] == dedupe[2]
    frame = feature_frame(rows, keep=("source",))
    result = link(frame, model, one_per_source="source")
    ids = result.clusters["cluster_id"].tolist()
    assert ids[0] == ids[2] != ids[1]  # the closer A record takes B; A never joins A
    assert result.stats["pairs_scored"] == 2  # only pairs across the sources are scored


def test_a_record_without_birth_date_does_not_chain_father_and_son(model: LinkageModel) -> None:
    """MICHAEL RUSSO 1979 and MICHAEL G RUSSO 2009 share no blocking key with each other (the
    scale rules ask for a common birth year), so no scored non-match keeps them apart; the
    cluster-level DOB cannot-link does."""
    home = {"last_name": "Russo", "sex": "M", "street": "12 Bay Ridge Pkwy", "zip": "11209"}
    father = home | {"first_name": "Michael", "dob": "1979-05-02", "phone": "718-555-0101"}
    son = home | {"first_name": "Michael", "middle_name": "G", "dob": "2009-05-20"}
    no_dob = home | {"first_name": "Michael", "middle_name": "G", "ssn": "212551234"}
    rows = [father, son | {"ssn": "212551234"}, no_dob, father | {"unit": "2"}]
    clusters, result = _clusters(rows, model)
    assert clusters[0] == clusters[3]
    assert clusters[0] != clusters[1]
    assert result.stats["largest_cluster"] <= 2


def test_sibling_guards_off_links_a_strong_pair_whose_first_names_differ(
    model: LinkageModel,
) -> None:
    """For data without households the caller may waive the sibling guards; JR/SR stays."""
    rows = [BASE | {"middle_name": "L"}, BASE | {"first_name": "Rosa", "middle_name": "L"}]
    guarded, result = _clusters(rows, model)
    assert guarded[0] != guarded[1]
    assert list(result.review["reason"]) == ["first names differ"]  # strong, but guarded
    free, _ = _clusters(rows, model, sibling_guards=False)
    assert free[0] == free[1]
    junior = [BASE | {"suffix": "JR"}, BASE | {"suffix": "SR"}]
    apart, _ = _clusters(junior, model, sibling_guards=False)
    assert apart[0] != apart[1]
