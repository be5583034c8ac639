"""The comparison columns: total (never raise), idempotent, and right on the cases that matter."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from openhhs.linkage.features import (
    ADDRESS_PART_COLUMNS,
    FEATURE_COLUMNS,
    address_parts,
    comparison_columns,
    features_and_flags,
    has_identity,
    to_features,
)

FIELDS = ("first_name", "middle_name", "last_name", "suffix", "dob", "sex", "ssn", "phone")
FIELDS += ("street", "unit", "zip")

records = st.fixed_dictionaries(
    {},
    optional={
        f: st.one_of(st.none(), st.text(max_size=40), st.integers(), st.floats()) for f in FIELDS
    },
)


@settings(max_examples=300, deadline=None)
@given(records)
def test_any_record_gives_every_column_and_never_raises(record: dict[str, object]) -> None:
    features = to_features(record)
    assert tuple(features) == FEATURE_COLUMNS
    forms = features.pop("first_name_forms")
    assert all(v is None or (isinstance(v, str) and v) for v in features.values())
    # the nickname forms: a list holding the given name itself, or None without a given name
    assert forms is None if features["first_name"] is None else features["first_name"] in forms


# Realistic values: standardizing garbage twice is the standardizers' business, not linkage's.
namey = st.text(alphabet=st.sampled_from("ABCDEFGHIJKLMNOPRSTUVWYZ ÁÉÑÖ-'李Иван"), max_size=20)
realistic = st.fixed_dictionaries(
    {},
    optional={
        "first_name": namey,
        "last_name": namey,
        "suffix": st.sampled_from(["", "JR", "Sr.", "III"]),
        "dob": st.dates(dt.date(1901, 1, 1), dt.date(2020, 12, 31)).map(dt.date.isoformat),
        "sex": st.sampled_from(["F", "male", "X", ""]),
        "ssn": st.from_regex(r"\A[0-9]{3}-?[0-9]{2}-?[0-9]{4}\Z"),
        "phone": st.from_regex(r"\A\(?[2-9][0-9]{2}\)? ?[2-9][0-9]{2}-?[0-9]{4}\Z"),
        "zip": st.from_regex(r"\A[0-9]{5}(-[0-9]{4})?\Z"),
    },
)


@settings(max_examples=200, deadline=None)
@given(realistic)
def test_standardizing_twice_gives_the_same_columns(record: dict[str, object]) -> None:
    once = to_features(record)
    again = to_features(
        {
            "first_name": once["first_name"],
            "last_name": once["last_name"],
            "suffix": once["suffix"],
            "dob": once["dob"],
            "sex": once["sex"],
            "ssn": once["ssn"] or once["ssn_last4"],
            "phone": once["phone"],
            "street": once["street"],
            "unit": once["unit"],
            "zip": once["zip5"],
        }
    )
    for column in ("first_name", "last_name", "dob", "ssn", "ssn_last4", "sex", "zip5", "phone"):
        assert again[column] == once[column], column


def test_names_are_upper_ascii_with_nickname_and_surname_parts() -> None:
    f = to_features({"first_name": "Bob", "last_name": "García-López", "suffix": "Jr."})
    assert f["first_name"] == "BOB"
    assert f["first_name_canonical"] == "ROBERT"
    assert f["first_initial"] == "B"
    assert f["last_name"] == "GARCIA LOPEZ"
    assert (f["last_name_part1"], f["last_name_part2"]) == ("GARCIA", "LOPEZ")
    assert f["suffix"] == "JR"


def test_nickname_forms_list_every_formal_name() -> None:
    polly, mary = to_features({"first_name": "Polly"}), to_features({"first_name": "Mary"})
    assert "MARY" in polly["first_name_forms"] and "POLLY" in polly["first_name_forms"]
    assert set(polly["first_name_forms"]) & set(mary["first_name_forms"])
    assert not set(to_features({"first_name": "John"})["first_name_forms"]) & set(
        mary["first_name_forms"]
    )


def test_non_latin_names_survive() -> None:
    features, flags = features_and_flags({"first_name": "李", "last_name": "Иванов"})
    assert features["first_name"] == "李"
    assert features["last_name"] == "ИВАНОВ"
    assert "last_name:non_latin" in flags
    assert has_identity(features)


def test_dob_parts_and_absurd_dates() -> None:
    f = to_features({"dob": "1980-05-12"})
    assert (f["dob"], f["dob_year"], f["dob_month"], f["dob_day"]) == (
        "1980-05-12",
        "1980",
        "05",
        "12",
    )
    assert to_features({"dob": dt.date(1975, 1, 2)})["dob"] == "1975-01-02"
    for bad in ("1900-01-01", "1850-03-04", "2999-01-01", "not a date", "2020-02-30"):
        assert to_features({"dob": bad}, today=dt.date(2026, 1, 1))["dob"] is None, bad


def test_birth_dates_are_judged_as_of_the_records_date() -> None:
    """An archive written in 2008 may hold a 1901 birth; written today it is over 120 years."""
    then = dt.date(2008, 1, 1)
    assert to_features({"dob": "1901-03-04"}, today=then)["dob"] == "1901-03-04"
    assert to_features({"dob": dt.date(1901, 3, 4)}, today=then)["dob"] == "1901-03-04"
    features, flags = features_and_flags({"dob": "1901-03-04"}, today=dt.date(2026, 1, 1))
    assert features["dob"] is None and flags == ("dob:absurd",)
    features, flags = features_and_flags({"dob": dt.date(1901, 3, 4)}, today=dt.date(2026, 1, 1))
    assert features["dob"] is None and flags == ("dob:absurd",)
    assert features_and_flags({"dob": dt.date(1900, 1, 1)})[1] == ("dob:placeholder",)
    for bad in ("1900-01-01", "2008-01-02", "1887-12-31"):  # placeholder, future, too old then
        assert to_features({"dob": bad}, today=then)["dob"] is None, bad


def test_ssn_placeholders_are_missing_and_last4_is_kept() -> None:
    assert to_features({"ssn": "212-55-1234"})["ssn"] == "212551234"
    assert to_features({"ssn": "212-55-1234"})["ssn_last4"] == "1234"
    for placeholder in ("123-45-6789", "000-00-0000", "999999999", "666-12-3456", "12345"):
        f = to_features({"ssn": placeholder})
        assert f["ssn"] is None and f["ssn_last4"] is None, placeholder
    assert to_features({"ssn": "xxx-xx-4321"})["ssn_last4"] == "4321"


def test_address_phone_sex() -> None:
    f = to_features(
        {
            "street": "123 West 45th Street, Apt. 4B",
            "zip": "10036-1234",
            "phone": "(212) 555-1234",
            "sex": "female",
        }
    )
    assert f["street"] == "123 W 45TH ST"
    assert f["unit"] == "4B"
    assert f["street_unit"] == "123 W 45TH ST #4B"
    assert f["zip5"] == "10036"
    assert f["phone"] == "+12125551234"
    assert f["sex"] == "F"
    assert to_features({"street": "123 W 45 St", "unit": "Apt 4b"})["street_unit"] == (
        "123 W 45TH ST #4B"
    )


def test_all_empty_record_has_no_identity() -> None:
    assert not has_identity(to_features({}))
    assert not has_identity(to_features({"street": "1 Main St", "zip": "10001"}))
    assert has_identity(to_features({"dob": "1990-01-01"}))


@settings(max_examples=200, deadline=None)
@given(records, st.none() | st.text(max_size=30), st.none() | st.text(max_size=8))
def test_address_parts_never_raise_and_are_squeezed(
    record: dict[str, object], city: str | None, state: str | None
) -> None:
    record = record | {"city": city, "state": state}
    parts = address_parts(record, to_features(record))
    assert tuple(parts) == ADDRESS_PART_COLUMNS
    for column in ("street_name", "city", "state"):
        value = parts[column]
        assert value is None or (value.isascii() and value.isalnum() and value == value.upper())
    assert parts["house_number"] is None or parts["house_number"][0].isdigit()


def test_address_parts_split_the_street_and_ignore_spacing() -> None:
    record = {"street": "177 pridham street", "city": "Brown Hill", "state": "nsw"}
    parts = address_parts(record, to_features(record))
    assert parts == {
        "house_number": "177",
        "street_name": "PRIDHAMST",
        "city": "BROWNHILL",
        "state": "NSW",
    }
    typo = {"street": "177 pridham  st", "city": "brownhill", "state": "NSW"}
    assert address_parts(typo, to_features(typo)) == parts
    no_number = {"street": "mountain creek road"}
    assert address_parts(no_number, to_features(no_number))["house_number"] is None
    assert address_parts({}, to_features({})) == dict.fromkeys(ADDRESS_PART_COLUMNS)


def test_comparison_columns_add_only_the_address_parts_a_table_has() -> None:
    assert comparison_columns(["unique_id", *FEATURE_COLUMNS]) == FEATURE_COLUMNS
    both = comparison_columns(["city", "person_id", *FEATURE_COLUMNS, "house_number"])
    assert both == (*FEATURE_COLUMNS, "house_number", "city")
