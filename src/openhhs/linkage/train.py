"""Training a linkage model with Splink 5, evaluating it on labels, and gating its promotion.

Order (shared/notes/linkage.md §5): λ from deterministic rules, u by random sampling, m by EM on
blocks that carry no household signal; the surname and contact m values are fixed in the
settings (the household guard). A candidate model is only promoted when its F1 on a labelled
evaluation set does not drop below the current model's.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

import pandas as pd

from openhhs.errors import Conflict
from openhhs.linkage.batch import link, pairwise_metrics
from openhhs.linkage.features import comparison_columns
from openhhs.linkage.modelfile import LinkageModel, Thresholds
from openhhs.linkage.settings import (
    ADDRESS_PART_COMPARISONS,
    DETERMINISTIC_RECALL,
    DETERMINISTIC_RULES,
    EM_BLOCKS,
    build_settings,
)

TF_COLUMNS = ("first_name", "last_name", "zip5")

log = logging.getLogger(__name__)
F1_TOLERANCE = 0.0005
# Comparisons whose m EM learns; surname and contact keep their fixed m (household guard).
EM_COMPARISONS = ("first_name", "dob", "ssn", "sex")
# What EM also learns when the caller says the data has no household structure.
HOUSEHOLD_COMPARISONS = ("last_name", "contact", *ADDRESS_PART_COMPARISONS)
M_FLOOR = 0.002  # noise allowed between two evaluations of equally good models


def train(
    frame: pd.DataFrame,
    *,
    settings: dict[str, Any] | None = None,
    seed: int = 42,
    max_pairs: float = 2e6,
    version: str | None = None,
    thresholds: Thresholds | None = None,
    household_guard: bool = True,
) -> LinkageModel:
    """Fit λ, u and m on the linkable rows of a `feature_frame` table.

    `household_guard=False` is for data without household structure (one file of people
    with independent corruption, like FEBRL): no family shares a surname and an address
    there, so EM may learn the surname and contact m on its SSN and DOB blocks instead of
    keeping the rates measured on agency data, whose corruption is much lighter (1.5 % of
    true pairs with a different surname). Agency data keeps the guard: on it EM learns
    "same household" as the match class. Settings that compare address parts one by one
    (`build_settings(address_parts=True)`) are refused with the guard on: a shared home would
    count once per part.
    """
    import duckdb
    from splink import DuckDBAPI, Linker

    settings = settings or build_settings()
    names = {c["output_column_name"] for c in settings["comparisons"]}
    if household_guard and names & set(ADDRESS_PART_COMPARISONS):
        raise ValueError("address parts are compared one by one only with household_guard=False")
    logging.getLogger("splink").setLevel(logging.WARNING)
    timings: dict[str, float] = {}
    records = frame[frame["linkable"]][["unique_id", *comparison_columns(frame.columns)]]
    db_api = DuckDBAPI(connection=duckdb.connect())
    linker = Linker(db_api.register(records), settings, log_level=None)

    t = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
    )
    timings["lambda_s"] = time.perf_counter() - t
    t = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    timings["u_s"] = time.perf_counter() - t
    splink_model = linker.misc.save_model_to_json()

    # EM sees only the person-specific comparisons: with surname and address in the model, twins
    # and siblings (same home, same surname) look like matches and inflate m for "different".
    t = time.perf_counter()
    em_settings = dict(splink_model)
    learn = EM_COMPARISONS if household_guard else EM_COMPARISONS + HOUSEHOLD_COMPARISONS
    if not household_guard:
        for comparison in splink_model["comparisons"]:
            if comparison["output_column_name"] in HOUSEHOLD_COMPARISONS:
                for level in comparison["comparison_levels"]:
                    level.pop("fix_m_probability", None)
    em_settings["comparisons"] = [
        c for c in splink_model["comparisons"] if c["output_column_name"] in learn
    ]
    em_linker = Linker(db_api.register(records), em_settings, log_level=None)
    em_problems: list[str] = []
    for block in EM_BLOCKS:
        try:
            em_linker.training.estimate_parameters_using_expectation_maximisation(
                block, estimate_without_term_frequencies=True
            )
        except ValueError as exc:  # Splink 5 rejects an m that underflows on tiny data
            em_problems.append(f"EM on {block} skipped: {str(exc)[:120]}")
    learned = {
        c["output_column_name"]: c for c in em_linker.misc.save_model_to_json()["comparisons"]
    }
    for comparison in splink_model["comparisons"]:
        if comparison["output_column_name"] in learned:
            new_levels = learned[comparison["output_column_name"]]["comparison_levels"]
            for level, new in zip(comparison["comparison_levels"], new_levels, strict=True):
                if "m_probability" in new:
                    # a level EM never saw must not become impossible (a sex typo is not proof)
                    level["m_probability"] = max(float(new["m_probability"]), M_FLOOR)
    timings["em_s"] = time.perf_counter() - t
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "trained_at": stamp,
        "records": len(records),
        "seed": seed,
        "max_pairs": max_pairs,
        "lambda": splink_model["probability_two_random_records_match"],
        "timings": {k: round(v, 2) for k, v in timings.items()},
        "household_guard": (
            "surname and contact m fixed; EM on person fields, blocked on SSN, DOB"
            if household_guard
            else "off (caller: no household structure); EM on person, surname and contact "
            "fields, blocked on SSN, DOB"
        ),
        "em_problems": em_problems,
    }
    return LinkageModel(
        version=version or stamp,
        splink=splink_model,
        thresholds=thresholds or Thresholds(),
        report=report,
        term_frequencies=term_frequencies(records),
    )


def term_frequencies(records: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Relative frequency of each value of the TF-adjusted columns (as Splink computes them)."""
    out: dict[str, dict[str, float]] = {}
    for column in TF_COLUMNS:
        freq = records[column].dropna().value_counts(normalize=True)
        out[column] = {str(k): float(f"{v:.4g}") for k, v in freq.items()}
    return out


def evaluate(model: LinkageModel, frame: pd.DataFrame, truth: str = "person_id") -> dict[str, Any]:
    """Pairwise precision/recall/F1 of batch `link` with this model against a truth column."""
    result = link(frame, model)
    merged = frame[["unique_id", truth]].merge(result.clusters, on="unique_id")
    metrics: dict[str, Any] = pairwise_metrics(merged["cluster_id"], merged[truth])
    metrics["largest_cluster"] = result.stats["largest_cluster"]
    metrics["review_pairs"] = result.stats["review_pairs"]
    return metrics


def promote(
    candidate: LinkageModel,
    current: LinkageModel | None,
    evaluation: pd.DataFrame,
    truth: str = "person_id",
) -> LinkageModel:
    """Return `candidate` with its evaluation in the report, or raise if it is worse.

    The guard against a retraining that quietly learned households as matches: the candidate
    is scored on labelled data next to the current model, and refused when its F1 drops.
    """
    cand_metrics = evaluate(candidate, evaluation, truth)
    report = dict(candidate.report)
    report["evaluation"] = {k: v for k, v in cand_metrics.items()}
    if current is not None:
        cur_metrics = evaluate(current, evaluation, truth)
        report["evaluation_of_previous"] = {"version": current.version, **cur_metrics}
        if cand_metrics["f1"] < cur_metrics["f1"] - F1_TOLERANCE:
            raise Conflict(
                f"model {candidate.version} not promoted: F1 {cand_metrics['f1']:.4f} is below "
                f"the current model's {cur_metrics['f1']:.4f} on the evaluation set",
                details={"candidate": cand_metrics, "current": cur_metrics},
            )
    return LinkageModel(
        version=candidate.version,
        splink=candidate.splink,
        thresholds=candidate.thresholds,
        report=report,
        term_frequencies=candidate.term_frequencies,
    )
