"""The Splink 5 model specification: comparisons, blocking rules, and the household guard.

Every level is plain SQL over the columns of `features.FEATURE_COLUMNS` using only `=`,
`IS NULL`, `AND`/`OR`, `jaro_winkler_similarity` and `damerau_levenshtein`, so the CCI's online
scorer can compile the same conditions and reproduce Splink's weights.

Household guard: family members share surname, address and phone, and unsupervised EM happily
learns "same household" as the match class (shared/notes/linkage.md §3.4). So
* address and phone are ONE comparison (a shared home is one piece of evidence, not two);
* its m probabilities, and the surname's, are fixed (`fix_m_probability`), EM never moves them;
* EM is trained only on blocks (date of birth, full name) that say nothing about the household.
"""

from __future__ import annotations

from typing import Any

# Fixed m (P(level | same person)) for the household-correlated comparisons, measured on the
# true pairs of the labelled synthetic city (`openhhs synth --people 10000 --seed 1`: moves,
# married names, typos) and rounded; each set sums to 1. EM never moves them.
SURNAME_M = {
    "exact": 0.855,
    "swapped": 0.008,
    "part": 0.052,
    "jw92": 0.06,
    "jw80": 0.01,
    "else": 0.015,
}
# Middle initial: present on about a quarter of records; agencies do drop or mistype it, so its m
# is a fixed prior (3 % disagreement among true pairs) rather than EM's near-certainty.
MIDDLE_M = {"same": 0.97, "else": 0.03}
CONTACT_M = {
    "street_unit": 0.68,
    "phone": 0.22,
    "street": 0.03,
    "street_typo": 0.008,  # most true pairs formerly at "same ZIP" were a misspelt street
    "zip": 0.002,
    "else": 0.06,
}


def _level(
    sql: str,
    label: str,
    *,
    null: bool = False,
    tf: str | None = None,
    m: float | None = None,
    start: float | None = None,
) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    if tf:
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
    if m is not None:
        level["m_probability"] = m
        level["fix_m_probability"] = True
    elif start is not None:  # EM's starting point, and the value kept if EM cannot run
        level["m_probability"] = start
    return level


def _null(*cols: str) -> str:
    return " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in cols)


SWAPPED = '"first_name_l" = "last_name_r" AND "last_name_l" = "first_name_r"'


def _close_to_a_surname(given: str, surname: str) -> str:
    """`given`'s first name is within a typo (JW >= 0.88) of the other side's surname or a part."""
    return (
        "("
        + " OR ".join(
            f'jaro_winkler_similarity("first_name_{given}", "{col}_{surname}") >= 0.88'
            for col in ("last_name", "last_name_part1", "last_name_part2")
        )
        + ")"
    )


# First and last names swapped, a typo or a compound surname allowed on either side (ZAHNG
# WENDY / WENDY ZHANG, VASQUEZ STEPHANIE / STEPHANIE RIVERA VASQUEZ): on the 100k city a
# quarter of the missed true pairs with swapped names had one of these on top of the swap.
SWAPPED_FUZZY = (
    '"first_name_l" <> "first_name_r" AND '
    f"{_close_to_a_surname('l', 'r')} AND {_close_to_a_surname('r', 'l')}"
)


def first_name_comparison() -> dict[str, Any]:
    return {
        "output_column_name": "first_name",
        "comparison_description": "given name",
        "comparison_levels": [
            _level(_null("first_name"), "first name missing", null=True),
            _level('"first_name_l" = "first_name_r"', "exact", tf="first_name", start=0.8),
            _level(SWAPPED, "first and last names swapped", start=0.01),
            _level(SWAPPED_FUZZY, "swapped, with a typo or a compound surname", start=0.01),
            _level(
                '"first_name_canonical_l" = "first_name_canonical_r"',
                "same nickname root",
                start=0.04,
            ),
            _level(
                'list_has_any("first_name_forms_l", "first_name_forms_r")',
                "nickname forms of one name",
                start=0.02,
            ),
            _level(
                'jaro_winkler_similarity("first_name_l", "first_name_r") >= 0.92',
                "JW >= 0.92",
                start=0.08,
            ),
            _level(
                'jaro_winkler_similarity("first_name_l", "first_name_r") >= 0.8',
                "JW >= 0.8",
                start=0.04,
            ),
            _level('"first_initial_l" = "first_initial_r"', "same initial", start=0.02),
            _level("ELSE", "different", start=0.01),
        ],
    }


def last_name_comparison() -> dict[str, Any]:
    part = " OR ".join(
        f'"last_name_part{a}_l" = "last_name_part{b}_r"' for a in (1, 2) for b in (1, 2)
    )
    return {
        "output_column_name": "last_name",
        "comparison_description": "surname (m fixed: households share it)",
        "comparison_levels": [
            _level(_null("last_name"), "surname missing", null=True),
            _level('"last_name_l" = "last_name_r"', "exact", tf="last_name", m=SURNAME_M["exact"]),
            _level(
                f"({SWAPPED}) OR ({SWAPPED_FUZZY})",
                "first and last names swapped",
                m=SURNAME_M["swapped"],
            ),
            _level(part, "a compound part in common", m=SURNAME_M["part"]),
            _level(
                'jaro_winkler_similarity("last_name_l", "last_name_r") >= 0.92',
                "JW >= 0.92",
                m=SURNAME_M["jw92"],
            ),
            _level(
                'jaro_winkler_similarity("last_name_l", "last_name_r") >= 0.8',
                "JW >= 0.8",
                m=SURNAME_M["jw80"],
            ),
            _level("ELSE", "different", m=SURNAME_M["else"]),
        ],
    }


def dob_comparison() -> dict[str, Any]:
    return {
        "output_column_name": "dob",
        "comparison_description": "date of birth (ISO text)",
        "comparison_levels": [
            _level(_null("dob"), "date of birth missing", null=True),
            _level('"dob_l" = "dob_r"', "exact", start=0.85),
            _level(
                '"dob_year_l" = "dob_year_r" AND "dob_month_l" = "dob_day_r" '
                'AND "dob_day_l" = "dob_month_r"',
                "day and month swapped",
                start=0.03,
            ),
            _level(
                'damerau_levenshtein("dob_l", "dob_r") <= 1',
                "one digit off or transposed",
                start=0.07,
            ),
            _level(
                '"dob_year_l" = "dob_year_r" AND (("dob_month_l" = \'01\' AND "dob_day_l" = \'01\')'
                " OR (\"dob_month_r\" = '01' AND \"dob_day_r\" = '01'))",
                "same year, one is January 1 (year only)",
                start=0.01,
            ),
            _level('"dob_year_l" = "dob_year_r"', "same year", start=0.02),
            _level("ELSE", "different", start=0.03),
        ],
    }


def ssn_comparison() -> dict[str, Any]:
    return {
        "output_column_name": "ssn",
        "comparison_description": "SSN (placeholders and invalid numbers are missing)",
        "comparison_levels": [
            _level(
                '("ssn_l" IS NULL OR "ssn_r" IS NULL) '
                'AND ("ssn_last4_l" IS NULL OR "ssn_last4_r" IS NULL)',
                "SSN missing",
                null=True,
            ),
            _level('"ssn_l" = "ssn_r"', "exact", start=0.9),
            _level(
                'damerau_levenshtein("ssn_l", "ssn_r") <= 1',
                "one digit off or transposed",
                start=0.06,
            ),
            _level('"ssn_last4_l" = "ssn_last4_r"', "same last four", start=0.02),
            _level("ELSE", "different", start=0.02),
        ],
    }


def middle_initial_comparison() -> dict[str, Any]:
    """Middle initial: same-name, same-birthday strangers and twins often differ here."""
    return {
        "output_column_name": "middle_initial",
        "comparison_description": "middle initial (m fixed)",
        "comparison_levels": [
            _level(_null("middle_initial"), "middle initial missing", null=True),
            _level('"middle_initial_l" = "middle_initial_r"', "same", m=MIDDLE_M["same"]),
            _level("ELSE", "different", m=MIDDLE_M["else"]),
        ],
    }


def sex_comparison() -> dict[str, Any]:
    return {
        "output_column_name": "sex",
        "comparison_description": "sex as recorded",
        "comparison_levels": [
            _level(_null("sex"), "sex missing", null=True),
            _level('"sex_l" = "sex_r"', "same", start=0.98),
            _level("ELSE", "different", start=0.02),
        ],
    }


def contact_comparison() -> dict[str, Any]:
    null = " AND ".join(
        f'("{c}_l" IS NULL OR "{c}_r" IS NULL)' for c in ("street", "zip5", "phone")
    )
    return {
        "output_column_name": "contact",
        "comparison_description": "address and phone as one piece of evidence (m fixed)",
        "comparison_levels": [
            _level(null, "no address or phone to compare", null=True),
            _level(
                '"street_unit_l" = "street_unit_r"',
                "same street and unit",
                m=CONTACT_M["street_unit"],
            ),
            _level('"phone_l" = "phone_r"', "same phone", m=CONTACT_M["phone"]),
            _level('"street_l" = "street_r"', "same street", m=CONTACT_M["street"]),
            _level(
                'jaro_winkler_similarity("street_l", "street_r") >= 0.9',
                "street within a typo",
                m=CONTACT_M["street_typo"],
            ),
            _level('"zip5_l" = "zip5_r"', "same ZIP", tf="zip5", m=CONTACT_M["zip"]),
            _level("ELSE", "different", m=CONTACT_M["else"]),
        ],
    }


_TF_PARTS = ("zip5",)  # term-frequency adjusted address parts (train.TF_COLUMNS has tables)


def _address_part(column: str, label: str, *levels: tuple[str, str]) -> dict[str, Any]:
    tf = column if column in _TF_PARTS else None
    return {
        "output_column_name": column,
        "comparison_description": f"{label} (address part; data without households)",
        "comparison_levels": [
            _level(_null(column), f"{label} missing", null=True),
            _level(f'"{column}_l" = "{column}_r"', "exact", tf=tf),
            *(_level(sql, level_label) for sql, level_label in levels),
            _level("ELSE", "different"),
        ],
    }


def _jw(column: str, at: float) -> tuple[str, str]:
    return f'jaro_winkler_similarity("{column}_l", "{column}_r") >= {at}', f"JW >= {at}"


def _one_edit(column: str) -> tuple[str, str]:
    return f'damerau_levenshtein("{column}_l", "{column}_r") <= 1', "one character off"


def address_part_comparisons() -> list[dict[str, Any]]:
    """Address and phone one part at a time, for data without households (FEBRL).

    Where no family shares a home, each part of an address is independent evidence, and a
    record whose street is mistyped still agrees on its house number, unit, postcode, city and
    state. EM learns their m (`train(household_guard=False)`); agency data keeps the one
    `contact` comparison.
    """
    return [
        _address_part("house_number", "house number", _one_edit("house_number")),
        _address_part(
            "street_name", "street name", _jw("street_name", 0.92), _jw("street_name", 0.8)
        ),
        _address_part("unit", "unit or building", _jw("unit", 0.9)),
        _address_part("zip5", "ZIP or postcode", _one_edit("zip5")),
        _address_part("city", "city or suburb", _jw("city", 0.9)),
        _address_part("state", "state"),
        _address_part("phone", "phone"),
    ]


ADDRESS_PART_COMPARISONS: tuple[str, ...] = tuple(
    c["output_column_name"] for c in address_part_comparisons()
)

# Prediction blocking rules (checked with Splink's blocking analysis: see bench_linkage).
# Placeholder identities cannot explode a block: exact duplicates are collapsed before Splink.
BLOCKING_RULES: tuple[str, ...] = (
    'l."ssn" = r."ssn"',
    'l."first_name_canonical" = r."first_name_canonical" AND l."dob" = r."dob"',
    'l."last_name_part1" = r."last_name_part1" AND l."dob" = r."dob"',
    # (surname + initial alone made 4.6M of 4.9M comparisons at 100k people: NYC surnames
    # concentrate, so it is split into selective rules. Same full name alone still grows with
    # the square of a name's frequency: 267M of 320M comparisons at 1M records. Same full name
    # with the same birth year, the same month and day, or a missing DOB reaches the same true
    # pairs (blocking recall 0.99763 before and after on a 100k-record city) with 9.3M at 1M.)
    'l."last_name" = r."last_name" AND l."first_name_canonical" = r."first_name_canonical" '
    'AND l."dob_year" = r."dob_year"',
    'l."last_name" = r."last_name" AND l."first_name_canonical" = r."first_name_canonical" '
    'AND substr(l."dob", 6) = substr(r."dob", 6)',
    'l."last_name" = r."last_name" AND l."first_name_canonical" = r."first_name_canonical" '
    'AND (l."dob" IS NULL OR r."dob" IS NULL)',
    # Swapped first/last with the birth year or the month and day in common: 7.0M -> 0.18M
    # comparisons at 1M records. Together with dropping "same surname, initial and birth year"
    # (18.8M at 1M, 2 true pairs no other rule reached), 102 of 41,300 true pairs of a
    # 100k-record city are reached by no rule instead of 98 (blocking recall 0.99753).
    'l."first_name" = r."last_name" AND l."last_name" = r."first_name" '
    'AND (l."dob_year" = r."dob_year" OR substr(l."dob", 6) = substr(r."dob", 6))',
    'l."dob" = r."dob" AND l."zip5" = r."zip5"',
    'l."phone" = r."phone" AND l."first_initial" = r."first_initial"',
    'l."street_unit" = r."street_unit" AND l."first_initial" = r."first_initial"',
    'l."ssn_last4" = r."ssn_last4" AND l."dob_year" = r."dob_year"',
    # ZIP, initial and birth year also ask for the birth month: 7.5M -> 0.9M comparisons at 1M
    # records. (Surname part, year and month stays without the initial: the online index has
    # that key, and batch must score the sibling pairs online scores.)
    'l."zip5" = r."zip5" AND l."first_initial" = r."first_initial" AND l."dob_year" = r."dob_year" '
    'AND l."dob_month" = r."dob_month"',
    'l."last_name_part1" = r."last_name_part1" AND l."dob_year" = r."dob_year" '
    'AND l."dob_month" = r."dob_month"',
)

# With address parts (data without households): a mistyped name and date still share a street.
ADDRESS_BLOCKING_RULES: tuple[str, ...] = (
    'l."street_name" = r."street_name" AND l."city" = r."city"',
    'l."house_number" = r."house_number" AND l."zip5" = r."zip5"',
)

# Deterministic rules for λ (probability two random records match): near-certain matches.
DETERMINISTIC_RULES: tuple[str, ...] = (
    'l."ssn" = r."ssn" AND l."dob" = r."dob"',
    'l."first_name" = r."first_name" AND l."last_name" = r."last_name" AND l."dob" = r."dob"',
)
DETERMINISTIC_RECALL = 0.8

# EM training blocks: none of them is a household signal. A shared SSN is mostly the same person
# (twins never share one), so that block teaches the m of date of birth and names; the date of
# birth block teaches the m of SSN. A full-name block is avoided: common names (WANG LI, MARIA
# GARCIA) fill it with strangers and EM converges to "same sex" as the match class.
EM_BLOCKS: tuple[str, ...] = (
    'l."ssn" = r."ssn"',
    'l."dob" = r."dob"',
)


def build_settings(
    *,
    blocking_rules: tuple[str, ...] | None = None,
    probability_two_random_records_match: float = 1e-5,
    address_parts: bool = False,
) -> dict[str, Any]:
    """The untrained settings dict (Splink 5 `Linker(df, settings)` accepts it as is).

    `address_parts=True` compares address and phone part by part (`address_part_comparisons`,
    over `feature_frame(rows, address_parts=True)`) and adds `ADDRESS_BLOCKING_RULES`: for data
    without households only, trained with `train(household_guard=False)`.
    """
    if blocking_rules is None:
        blocking_rules = BLOCKING_RULES + (ADDRESS_BLOCKING_RULES if address_parts else ())
    contact = address_part_comparisons() if address_parts else [contact_comparison()]
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": probability_two_random_records_match,
        "comparisons": [
            first_name_comparison(),
            last_name_comparison(),
            dob_comparison(),
            ssn_comparison(),
            sex_comparison(),
            middle_initial_comparison(),
            *contact,
        ],
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule, "sql_dialect": "duckdb"} for rule in blocking_rules
        ],
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
        "em_convergence": 0.0001,
        "max_iterations": 25,
    }


def plain_settings() -> dict[str, Any]:
    """A "default-style" Splink configuration (library comparisons, no guard) for benchmarks."""
    import splink.comparison_library as cl

    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": [
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.DamerauLevenshteinAtThresholds("ssn", [1, 2]),
            cl.ExactMatch("sex"),
            cl.JaroWinklerAtThresholds("street", [0.9]),
            cl.ExactMatch("zip5").configure(term_frequency_adjustments=True),
            cl.ExactMatch("phone"),
        ],
        "blocking_rules_to_generate_predictions": list(BLOCKING_RULES),
    }
