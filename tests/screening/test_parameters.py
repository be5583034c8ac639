"""Official figures as oracles: the parameters in force on a date reproduce the published tables,
and the loader refuses dates it has nothing for."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from openhhs.screening.params import (
    PARAMETER_DIR,
    ParameterNotInForce,
    default_store,
    load_parameters,
)

D = dt.date
STORE = default_store()

FPG_2025 = [15650, 21150, 26650, 32150, 37650, 43150, 48650, 54150]
FPG_2026 = [15960, 21640, 27320, 33000, 38680, 44360, 50040, 55720]
SNAP_NET_FY26 = [1305, 1763, 2221, 2680, 3138, 3596, 4055, 4513]
SNAP_GROSS_FY26 = [1696, 2292, 2888, 3483, 4079, 4675, 5271, 5867]
SNAP_MAX_FY26 = [298, 546, 785, 994, 1183, 1421, 1571, 1789]
FREE_MEALS_2526 = [20345, 27495, 34645, 41795, 48945, 56095, 63245, 70395]
WIC_2526 = [28953, 39128, 49303, 59478, 69653, 79828, 90003, 100178]
HEAP_2526 = {1: 3473, 2: 4542, 4: 6680}
FAIR_FARES = [23475, 31725, 39975, 48225, 56475, 64725, 72975, 81225]


def table(key: str, day: dt.date):
    return STORE.snapshot(day).table(key)


@pytest.mark.parametrize("size", range(1, 9))
def test_poverty_guidelines_2025_and_2026(size: int) -> None:
    assert table("hhs.fpg", D(2025, 6, 1)).at(size) == FPG_2025[size - 1]
    assert table("hhs.fpg", D(2026, 6, 1)).at(size) == FPG_2026[size - 1]


def test_poverty_guideline_changes_on_the_hhs_effective_date() -> None:
    assert table("hhs.fpg", D(2026, 1, 12)).at(1) == 15650
    assert table("hhs.fpg", D(2026, 1, 13)).at(1) == 15960
    # each person above 8 adds the published increment
    assert table("hhs.fpg", D(2026, 6, 1)).at(9) == 55720 + 5680
    assert table("hhs.fpg", D(2025, 6, 1)).at(10) == 54150 + 2 * 5500


@pytest.mark.parametrize("size", range(1, 9))
def test_snap_fy2026_limits_and_allotments(size: int) -> None:
    day = D(2025, 10, 1)
    assert table("snap.net_limit", day).at(size) == SNAP_NET_FY26[size - 1]
    assert table("snap.gross_limit", day).at(size) == SNAP_GROSS_FY26[size - 1]
    assert table("snap.max_allotment", day).at(size) == SNAP_MAX_FY26[size - 1]


def test_snap_fiscal_year_boundary() -> None:
    assert table("snap.max_allotment", D(2025, 9, 30)).at(1) == 292
    assert table("snap.max_allotment", D(2025, 10, 1)).at(1) == 298
    snap = STORE.snapshot(D(2026, 3, 1))
    assert [table("snap.standard_deduction", D(2026, 3, 1)).at(s) for s in (1, 3, 4, 5, 6, 9)] == [
        209,
        209,
        223,
        261,
        299,
        299,
    ]
    assert snap.num("snap.shelter_cap") == 744
    assert snap.num("snap.minimum_benefit") == 24


@pytest.mark.parametrize("size", range(1, 9))
def test_school_meals_and_wic_2025_26(size: int) -> None:
    for day in (D(2025, 7, 1), D(2026, 6, 30)):
        assert table("school_meals.free_limit", day).at(size) == FREE_MEALS_2526[size - 1]
        assert table("school_meals.reduced_limit", day).at(size) == WIC_2526[size - 1]
        assert table("wic.income_limit", day).at(size) == WIC_2526[size - 1]


def test_wic_year_runs_july_to_june() -> None:
    assert table("wic.income_limit", D(2025, 6, 30)).at(1) == 27861
    assert table("wic.income_limit", D(2026, 7, 1)).at(1) == 29526
    assert table("wic.income_limit", D(2026, 7, 1)).at(4) == 61050


@pytest.mark.parametrize(("size", "limit"), sorted(HEAP_2526.items()))
def test_heap_2025_26(size: int, limit: int) -> None:
    assert table("nyc.heap_income_limit", D(2026, 1, 1)).at(size) == limit


@pytest.mark.parametrize("size", range(1, 9))
def test_fair_fares_limits(size: int) -> None:
    assert table("nyc.fair_fares_income_limit", D(2026, 1, 1)).at(size) == FAIR_FARES[size - 1]


@pytest.mark.parametrize(
    ("day", "pct"),
    [(D(2026, 6, 30), 2.5), (D(2026, 7, 1), 2.0), (D(2025, 1, 1), 2.5)],
)
def test_essential_plan_limit_drops_on_2026_07_01(day: dt.date, pct: float) -> None:
    assert STORE.snapshot(day).num("health.essential_plan_pct") == pct


@pytest.mark.parametrize(
    ("key", "size", "expected"),
    [
        ("health.medicaid_adult_pct", 1, 22025),
        ("health.medicaid_adult_pct", 2, 29864),
        ("health.medicaid_pregnant_pct", 1, 35591),
        ("health.medicaid_child_pct", 1, 24579),
        ("health.essential_plan_pct", 1, 39900),
    ],
)
def test_health_limits_2026_match_published_dollars(key: str, size: int, expected: int) -> None:
    snap = STORE.snapshot(D(2026, 3, 1))
    assert math.ceil(snap.num(key) * snap.table("hhs.fpg").at(size) - 1e-6) == expected


def test_nothing_in_force_is_a_clear_error() -> None:
    with pytest.raises(ParameterNotInForce, match=r"'hhs.fpg'.*2023-06-01"):
        STORE.snapshot(D(2023, 6, 1))["hhs.fpg"]


def test_every_parameter_has_a_reference_and_a_unit() -> None:
    assert len(STORE.parameters) > 60
    for param in STORE.parameters.values():
        assert param.references and param.references[0].href.startswith("https://")
        assert param.unit and param.description


def test_overlapping_periods_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "a:\n  description: d\n  unit: u\n  reference: [{title: t, href: https://e}]\n"
        "  values:\n    - {effective_from: 2025-01-01, effective_to: 2025-12-31, value: 1}\n"
        "    - {effective_from: 2025-06-01, value: 2}\n"
    )
    with pytest.raises(ValueError, match="overlap"):
        load_parameters(tmp_path)


def test_missing_reference_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "a:\n  description: d\n  unit: u\n  values:\n    - {effective_from: 2025-01-01, value: 1}\n"
    )
    with pytest.raises(ValueError, match="reference"):
        load_parameters(tmp_path)


def test_packaged_directory_loads() -> None:
    assert load_parameters(PARAMETER_DIR).parameters.keys() == STORE.parameters.keys()
