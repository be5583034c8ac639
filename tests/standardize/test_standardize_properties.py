"""Property tests: every standardizer survives any input and is stable on its own output."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openhhs.standardize import (
    canonical_given_name,
    enrich_zip,
    map_gender_identity,
    map_language,
    map_race,
    map_sex,
    parse_full_name,
    standardize_address,
    standardize_date,
    standardize_name,
    standardize_phone,
    standardize_ssn,
)

AS_OF = dt.date(2026, 1, 15)
garbage = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.integers(),
    st.floats(allow_nan=True),
    st.binary(max_size=30),
    st.lists(st.text(max_size=10), max_size=4),
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(garbage)
def test_nothing_raises_on_garbage(raw: object) -> None:
    for fn in (
        standardize_name,
        parse_full_name,
        standardize_ssn,
        standardize_phone,
        map_sex,
        map_gender_identity,
        map_race,
        map_language,
        enrich_zip,
    ):
        result = fn(raw)
        assert isinstance(result.flags, tuple)
        assert all(isinstance(f, str) for f in result.flags)
    assert isinstance(standardize_date(raw, as_of=AS_OF).flags, tuple)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_address_never_raises(raw: str) -> None:
    result = standardize_address(raw)
    assert result.zip5 is None or (len(result.zip5) == 5 and result.zip5.isdigit())


@FAST
@given(st.text(max_size=40))
def test_name_is_idempotent_and_ascii_upper(raw: str) -> None:
    once = standardize_name(raw)
    if once.value is None:
        return
    assert once.value == once.value.upper()
    assert once.value.isascii()
    twice = standardize_name(once.value if once.suffix is None else f"{once.value} {once.suffix}")
    assert twice.value == once.value
    assert twice.suffix == once.suffix


@FAST
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
def test_nickname_canonical_is_a_fixed_point(name: str) -> None:
    canonical = canonical_given_name(name)
    assert canonical_given_name(canonical) == canonical


@FAST
@given(st.dates(min_value=dt.date(1907, 1, 1), max_value=AS_OF))
def test_date_formats_round_trip(value: dt.date) -> None:
    for text in (value.isoformat(), value.strftime("%m/%d/%Y"), value.strftime("%Y%m%d")):
        result = standardize_date(text, as_of=AS_OF)
        if value == dt.date(1970, 1, 1):
            assert result.value is None and "placeholder" in result.flags
        else:
            assert result.value == value, text
            assert standardize_date(result.value.isoformat(), as_of=AS_OF).value == value


@FAST
@given(st.dates(min_value=dt.date(1927, 1, 16), max_value=AS_OF))
def test_two_digit_year_is_never_in_the_future(value: dt.date) -> None:
    result = standardize_date(value.strftime("%m/%d/%y"), as_of=AS_OF)
    if "placeholder" in result.flags:  # 01/01/70 is the Unix epoch placeholder
        return
    assert result.value is not None
    assert result.value <= AS_OF
    assert result.value.year % 100 == value.year % 100


@FAST
@given(st.from_regex(r"\d{3}-\d{2}-\d{4}", fullmatch=True))
def test_ssn_valid_values_are_idempotent(raw: str) -> None:
    result = standardize_ssn(raw)
    if result.value is None:
        assert result.flags  # every rejection says why
        return
    assert len(result.value) == 9 and result.value.isdigit()
    assert standardize_ssn(result.value).value == result.value
    assert standardize_ssn(result.formatted).value == result.value
    assert not result.value.startswith(("000", "666", "9"))


@FAST
@given(st.from_regex(r"[2-9]\d\d[2-9]\d{6}", fullmatch=True))
def test_phone_e164_is_idempotent(raw: str) -> None:
    result = standardize_phone(raw)
    if result.value is not None:
        assert result.value.startswith("+1")
        assert standardize_phone(result.value).value == result.value


@FAST
@given(st.lists(st.sampled_from(["White", "Black", "Asian", "Dominican", "Korean", "MENA"])))
def test_race_categories_are_a_set(items: list[str]) -> None:
    result = map_race(items)
    assert len(set(result.categories)) == len(result.categories)
    assert map_race([c.value for c in result.categories]).categories == result.categories


@FAST
@given(st.text(max_size=60))
def test_outputs_are_storable_ascii(raw: str) -> None:
    """No NUL, control character or non-ASCII reaches a standardized value (PostgreSQL-safe)."""
    address = standardize_address(raw)
    race = map_race(raw)
    values = [
        standardize_name(raw).value,
        address.street,
        address.unit,
        address.city,
        race.write_in,
        map_gender_identity(raw).different_text,
        parse_full_name(raw).last.value,
    ]
    for value in values:
        if value is not None:
            assert value.isascii() and value.isprintable(), repr(value)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 2999),
    st.sampled_from(["Main St", "W 125th Street", "Jackson Avenue", "Grand Concourse", "Broadway"]),
    st.sampled_from(["", "Apt 4B", "# 12", "Fl 3", "apartment 7", "Unit 2"]),
    st.sampled_from(["Brooklyn", "NYC", "Bronx", "LIC"]),
    st.sampled_from(["11201", "10025", "10451-1234"]),
)
def test_address_is_idempotent(number: int, street: str, unit: str, city: str, zip_: str) -> None:
    once = standardize_address(
        street=f"{number} {street}", unit=unit, city=city, state="NY", zip_code=zip_
    )

    def key(a: object) -> tuple[object, ...]:
        return tuple(getattr(a, f) for f in ("street", "unit", "city", "state", "zip5"))

    assert key(standardize_address(once.value)) == key(once)
    again = standardize_address(
        street=once.street, unit=once.unit, city=once.city, state=once.state, zip_code=once.zip5
    )
    assert key(again) == key(once)
