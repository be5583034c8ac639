"""Example tests: the values and flags agencies' typical inputs must produce."""

from __future__ import annotations

import datetime as dt

import pytest

from openhhs.model.codes import GenderIdentity, MissingReason, Race, Sex
from openhhs.standardize import (
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

AS_OF = dt.date(2026, 11, 23)


# ---- names ----------------------------------------------------------------------------------


def test_name_diacritics_hyphen_and_parts() -> None:
    r = standardize_name("José García-López", "surname")
    assert r.value == "JOSE GARCIA LOPEZ"
    assert r.parts == ("JOSE", "GARCIA", "LOPEZ")
    assert {"hyphenated", "compound", "diacritics_or_symbols"} <= set(r.flags)
    assert r.canonical is None


def test_name_particles_stay_with_their_word() -> None:
    r = standardize_name("de la Cruz y Lopez", "surname")
    assert r.parts == ("DE LA CRUZ", "LOPEZ")
    assert r.compact == "DELACRUZYLOPEZ"


@pytest.mark.parametrize(
    ("raw", "value", "suffix"),
    [("Smith Jr.", "SMITH", "JR"), ("SMITH III", "SMITH", "III"), ("smith, senior", "SMITH", "SR")],
)
def test_name_suffix_extraction(raw: str, value: str, suffix: str) -> None:
    r = standardize_name(raw, "surname")
    assert (r.value, r.suffix) == (value, suffix)
    assert "suffix_extracted" in r.flags


def test_apostrophes_join_and_symbols_go() -> None:
    assert standardize_name("O'Brien").value == "OBRIEN"
    assert standardize_name("Łukasz Żółć").value == "LUKASZ ZOLC"
    assert standardize_name("Straße").value == "STRASSE"


@pytest.mark.parametrize(
    ("nick", "canonical"),
    [("Bob", "ROBERT"), ("bill", "WILLIAM"), ("Liz", "ELIZABETH"), ("jim", "JAMES")],
)
def test_nicknames_map_to_a_formal_name(nick: str, canonical: str) -> None:
    r = standardize_name(nick)
    assert r.canonical == canonical
    assert "nickname" in r.flags


@pytest.mark.parametrize("formal", ["MARIA", "JOHN", "JANE", "ROBERT", "JOSE"])
def test_formal_names_stay(formal: str) -> None:
    assert standardize_name(formal).canonical == formal


def test_name_missing_reasons_are_distinct() -> None:
    assert standardize_name("").missing is MissingReason.NOT_COLLECTED
    assert standardize_name("Unknown").missing is MissingReason.DONT_KNOW
    assert standardize_name("refused").missing is MissingReason.REFUSED
    assert standardize_name("1234").value is None
    assert "no_letters" in standardize_name("1234").flags


@pytest.mark.parametrize(
    "raw", ["SMITH, JOHN A", "John A. Smith", "SMITH, JOHN A JR", "John A Smith Jr."]
)
def test_parse_full_name_layouts(raw: str) -> None:
    r = parse_full_name(raw)
    assert (r.first.value, r.middle.value, r.last.value) == ("JOHN", "A", "SMITH")
    assert r.suffix == ("JR" if "J" in raw.upper().replace("JOHN", "") else None)


def test_parse_full_name_compound_surname() -> None:
    r = parse_full_name("GARCIA LOPEZ, MARIA J")
    assert r.first.value == "MARIA"
    assert r.last.parts == ("GARCIA", "LOPEZ")


def test_parse_full_name_garbage_reports() -> None:
    r = parse_full_name("!!! ###")
    assert r.last.value is None and "no_last_name" in r.flags
    assert parse_full_name(None).flags == ("missing",)


# ---- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["1980-05-17", "05/17/1980", "5/17/1980", "19800517", "17-MAY-1980", "May 17, 1980"]
)
def test_date_layouts(raw: str) -> None:
    assert standardize_date(raw, as_of=AS_OF).value == dt.date(1980, 5, 17)


def test_two_digit_year_pivot_relative_to_as_of() -> None:
    assert standardize_date("5/17/26", as_of=AS_OF).value == dt.date(2026, 5, 17)
    assert standardize_date("12/17/26", as_of=AS_OF).value == dt.date(1926, 12, 17)
    assert "two_digit_year" in standardize_date("5/17/80", as_of=AS_OF).flags


def test_date_fmt_hint_for_day_first_sources() -> None:
    assert standardize_date("03/04/1990", fmt="%d/%m/%Y").value == dt.date(1990, 4, 3)
    r = standardize_date("1990-04-03", fmt="%d/%m/%Y", as_of=AS_OF)
    assert r.value == dt.date(1990, 4, 3) and "format_mismatch" in r.flags


def test_date_placeholders_future_and_too_old() -> None:
    assert standardize_date("1900-01-01", as_of=AS_OF).flags == ("placeholder",)
    jan1 = standardize_date("01/01/1975", as_of=AS_OF)
    assert jan1.value == dt.date(1975, 1, 1) and "jan1" in jan1.flags
    assert standardize_date("2027-01-02", as_of=AS_OF).flags == ("future",)
    assert standardize_date("1901-05-05", as_of=AS_OF).flags == ("too_old",)
    service = standardize_date("2027-01-02", as_of=AS_OF, birth=False)
    assert service.value == dt.date(2027, 1, 2)


def test_date_impossible_and_missing() -> None:
    assert standardize_date("02/30/1980").flags == ("impossible_date",)
    assert standardize_date("tomorrow").flags == ("unparseable",)
    assert standardize_date("Refused").missing is MissingReason.REFUSED
    assert standardize_date(None).missing is MissingReason.NOT_COLLECTED


# ---- SSN ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "flag"),
    [
        ("000-12-3456", "invalid_area"),
        ("666-12-3456", "invalid_area"),
        ("912-70-3456", "invalid_area"),
        ("123-00-4567", "invalid_group"),
        ("219-45-0000", "invalid_serial"),
        ("123-45-6789", "placeholder"),
        ("111-11-1111", "placeholder"),
        ("078-05-1120", "placeholder"),
        ("12-345-678", "bad_format"),
    ],
)
def test_ssn_rejections_say_why(raw: str, flag: str) -> None:
    r = standardize_ssn(raw)
    assert r.value is None
    assert flag in r.flags


def test_ssn_formats() -> None:
    assert standardize_ssn("219-45-6789").value == "219456789"
    assert standardize_ssn("219 45 6789").last4 == "6789"
    assert standardize_ssn(19456789).value == "019456789"
    assert standardize_ssn("xxx-xx-6789").last4 == "6789"
    assert standardize_ssn("9").missing is MissingReason.REFUSED


# ---- phone ----------------------------------------------------------------------------------


def test_phone_e164() -> None:
    assert standardize_phone("(718) 555-1234").value == "+17185551234"
    assert standardize_phone("1-212-555-0143").flags == ("fictional",)
    assert standardize_phone("+44 20 7946 0958").value == "+442079460958"
    assert standardize_phone("718 555 1234 ext. 12").extension == "12"


@pytest.mark.parametrize(
    ("raw", "flag"),
    [("000-000-0000", "placeholder"), ("555-1234", "no_area_code"), ("call me", "bad_format")],
)
def test_phone_rejections(raw: str, flag: str) -> None:
    r = standardize_phone(raw)
    assert r.value is None and flag in r.flags


# ---- address and ZIP ------------------------------------------------------------------------


def test_address_one_line() -> None:
    r = standardize_address("123 Main Street Apartment 4B, Bklyn, NY 11201-1234")
    assert (r.street, r.unit, r.city, r.state, r.zip5, r.zip4) == (
        "123 MAIN ST",
        "APT 4B",
        "BROOKLYN",
        "NY",
        "11201",
        "1234",
    )
    assert r.unit_id == "4B"


def test_address_columns_and_queens_hyphen_numbers() -> None:
    r = standardize_address(street="12-34 jackson avenue", unit="2", city="LIC", zip_code="11101")
    assert (r.street, r.unit_id, r.city, r.zip5) == (
        "12-34 JACKSON AVE",
        "2",
        "LONG ISLAND CITY",
        "11101",
    )


def test_address_po_box_and_garbage() -> None:
    assert standardize_address("P.O. Box 77, Bronx NY 10451").street == "PO BOX 77"
    r = standardize_address("sleeps in the park")
    assert "unparseable" in r.flags or r.street
    assert standardize_address(None).flags == ("missing",)


def test_enrich_zip_nyc() -> None:
    r = enrich_zip("10025")
    assert (r.borough, r.community_district, r.state) == ("MANHATTAN", "107", "NY")
    assert r.latitude is not None and 40.7 < r.latitude < 40.9
    assert enrich_zip("11201").borough == "BROOKLYN"
    assert enrich_zip("10301").borough == "STATEN ISLAND"
    assert enrich_zip("10451-1234").community_district is not None
    battery_park = enrich_zip("10281")  # no ZCTA polygon of its own: the USPS point decides
    assert battery_park.community_district == "101"
    assert battery_park.flags == ("district_from_point",)


def test_enrich_zip_outside_and_bad() -> None:
    nj = enrich_zip("07030")
    assert nj.borough is None and "outside_nyc" in nj.flags and nj.latitude is not None
    assert "unknown_zip" in enrich_zip("00001").flags
    assert "bad_zip" in enrich_zip("ABCDE").flags


# ---- coded fields ---------------------------------------------------------------------------


def test_sex_codes_and_missing() -> None:
    assert map_sex("f").value == Sex.FEMALE
    assert map_sex("1", scheme="hmis").value == Sex.MALE
    assert map_sex("0", scheme="hmis").value == Sex.FEMALE
    assert map_sex("1").flags == ("unmapped",)  # a bare digit is not guessed
    assert [map_sex(c).missing for c in ("8", "9", "99")] == list(MissingReason)


def test_gender_identity_multi_select() -> None:
    r = map_gender_identity("Trans woman")
    assert r.values == (GenderIdentity.WOMAN, GenderIdentity.TRANSGENDER)
    assert r.value is None
    assert map_gender_identity("4", scheme="hmis").value == GenderIdentity.NON_BINARY
    w = map_gender_identity("genderfluid")
    assert w.values == (GenderIdentity.DIFFERENT,) and w.different_text == "GENDERFLUID"
    assert map_gender_identity("Client prefers not to answer").missing is MissingReason.REFUSED


def test_race_spd15_with_detail() -> None:
    r = map_race("Black; Dominican")
    assert r.categories == (Race.BLACK, Race.HISPANIC)
    assert r.details == ((Race.HISPANIC, "DOMINICAN"),)
    assert map_race("Hispanic/Latina/e/o").categories == (Race.HISPANIC,)
    assert map_race("Lebanese").categories == (Race.MENA,)
    assert map_race(["AmIndAKNative", "White"]).categories == (Race.AIAN, Race.WHITE)
    assert map_race("3,7", scheme="hmis").categories == (Race.BLACK, Race.MENA)


def test_race_unknowns_are_kept_not_guessed() -> None:
    r = map_race("Martian")
    assert r.categories == () and r.write_in == "MARTIAN" and "unmapped" in r.flags
    assert "multiracial_unspecified" in map_race("Multiracial").flags
    assert map_race("8").missing is MissingReason.DONT_KNOW
    assert map_race(None).missing is MissingReason.NOT_COLLECTED


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Spanish", "spa"),
        ("Español", "spa"),
        ("es", "spa"),
        ("chi", "zho"),
        ("Haitian Creole", "hat"),
    ],
)
def test_language_iso639_3(raw: str, code: str) -> None:
    assert map_language(raw).value == code


def test_language_unknown_and_missing() -> None:
    assert map_language("Klingon").flags == ("unmapped",)
    assert map_language("Declined").missing is MissingReason.REFUSED


@pytest.mark.parametrize(
    ("raw", "categories", "details"),
    [
        ("White, non-Hispanic", (Race.WHITE,), ()),
        ("Not Hispanic or Latino", (), ()),
        ("Non-Hispanic Black", (Race.BLACK,), ()),
        ("Black Dominican", (Race.BLACK, Race.HISPANIC), ((Race.HISPANIC, "DOMINICAN"),)),
        ("Hispanic - Puerto Rican", (Race.HISPANIC,), ((Race.HISPANIC, "PUERTO RICAN"),)),
        ("American Indian or Alaska Native", (Race.AIAN,), ()),
    ],
)
def test_race_phrases_in_agency_text(
    raw: str, categories: tuple[Race, ...], details: tuple[tuple[Race, str], ...]
) -> None:
    r = map_race(raw)
    assert (r.categories, r.details, r.write_in) == (categories, details, None)


def test_race_ambiguous_words_are_not_guessed() -> None:
    assert map_race("Indian").categories == ()  # American Indian or Asian Indian?
    partly = map_race("Black Martian")
    assert partly.categories == (Race.BLACK,) and partly.write_in == "MARTIAN"


def test_a_10mb_field_is_cut_not_chewed() -> None:
    import time

    big = "É" * 10_000_000
    start = time.perf_counter()
    assert standardize_name(big).flags == ("diacritics_or_symbols", "truncated")
    assert standardize_date(big).flags == ("unparseable",)
    assert standardize_ssn(big).flags == ("bad_format",)
    assert standardize_phone(big).flags == ("bad_format",)
    assert "truncated" in standardize_address(big).flags
    for fn in (parse_full_name, enrich_zip, map_sex, map_gender_identity, map_race, map_language):
        fn(big)
    assert time.perf_counter() - start < 10  # seconds before the input cap; now well under one


def test_spd15_down_maps_to_us_core_and_hmis() -> None:
    from openhhs.standardize import HMIS_RACE_CODES, us_core_race_ethnicity

    core = us_core_race_ethnicity(map_race("Lebanese; Black"))
    assert [c["code"] for c in core["race"]["ombCategory"]] == ["2054-5", "2106-3"]  # MENA->White
    assert "LEBANESE" in core["race"]["text"]
    assert core["ethnicity"]["ombCategory"][0]["code"] == "2186-5"
    hispanic = us_core_race_ethnicity(map_race("Dominican"))
    assert hispanic["ethnicity"]["ombCategory"][0]["code"] == "2135-2"
    assert "ombCategory" not in hispanic["race"]
    assert us_core_race_ethnicity(map_race("Martian"))["ethnicity"] == {"text": "Unknown"}
    assert us_core_race_ethnicity(map_race("9"))["race"] == {"text": "Asked but declined"}
    assert HMIS_RACE_CODES[Race.MENA] == 7 and HMIS_RACE_CODES[Race.HISPANIC] == 6
