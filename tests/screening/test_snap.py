"""SNAP: NY BBCE gross tests at and around the official FY2026 limits, the net test for elderly
and disabled households, and the benefit formula against hand-computed cases."""

from __future__ import annotations

import pytest

from screening.helpers import (
    FY26,
    D,
    body,
    expense,
    head,
    income,
    person,
    results,
    wages,
)

GROSS_130 = [1696, 2292, 2888, 3483, 4079, 4675, 5271, 5867]
BBCE_150 = [1957, 2644, 3332, 4019, 4707, 5394, 6082, 6769]
BBCE_200 = [2608, 3525, 4442, 5358, 6275, 7192, 8108, 9025]


def _unearned_household(size: int, monthly: float, rent: float = 0) -> list:
    """Unemployment income only: the 130% test applies (no earnings, care, elderly, disabled).

    `rent` keeps the benefit above $0 at the limits, so the income test alone decides.
    """
    costs = [expense(rent, "Rent")] if rent else []
    members = [head(30, incomes=[income(monthly, "Unemployment")], expenses=costs)]
    members += [person(20, "SisterBrother") for _ in range(size - 1)]
    return body(*members, livingRenting=True)


@pytest.mark.parametrize("size", range(1, 9))
def test_gross_130_percent_boundary(size: int) -> None:
    limit = GROSS_130[size - 1]
    at = results(_unearned_household(size, limit, rent=2500))["snap"]
    above = results(_unearned_household(size, limit + 1, rent=2500))["snap"]
    assert at.status == "likely", at.reasons
    assert above.status == "not_eligible"
    assert f"${limit:,}" in above.reasons[0]


@pytest.mark.parametrize("size", range(1, 9))
def test_bbce_150_percent_with_earnings(size: int) -> None:
    limit = BBCE_150[size - 1]

    def hh(w: float) -> list:
        first = head(30, incomes=[wages(w)], expenses=[expense(2500, "Rent")])
        return body(first, *[person(20, "SisterBrother")] * (size - 1))

    assert results(hh(limit))["snap"].status == "likely"
    assert results(hh(limit + 1))["snap"].status == "not_eligible"


@pytest.mark.parametrize("size", [1, 2, 4, 8])
def test_bbce_200_percent_with_dependent_care(size: int) -> None:
    limit = BBCE_200[size - 1]

    def hh(w: float) -> list:
        costs = [expense(900, "ChildCare"), expense(2500, "Rent"), expense(100, "Heating")]
        first = head(30, incomes=[wages(w)], expenses=costs)
        return body(first, *[person(3)] * (size - 1))

    assert results(hh(limit))["snap"].status == "likely"
    assert results(hh(limit + 1))["snap"].status == "not_eligible"


def test_fy2025_limits_apply_before_october_2025() -> None:
    # $1,650/month unearned for one person: over FY2025's 1,632, under FY2026's 1,696.
    b = _unearned_household(1, 1650)
    assert results(b, D(2025, 9, 30))["snap"].status == "not_eligible"
    assert results(b, D(2025, 10, 1))["snap"].status == "likely"


def test_benefit_formula_matches_hand_computation() -> None:
    # Parent + 1 child, $1,500/month wages, $1,400 rent, FY2026.
    # gross 1500; earned deduction 300; standard 209 -> adjusted 991
    # shelter 1400 (no heating bill, not elderly/disabled: no SUA since P.L. 119-21);
    # minus half of adjusted (495.5) = 904.5, capped at 744
    # net = 991 - 744 = 247; benefit = 546 - ceil(0.3 * 247) = 546 - 75 = 471
    b = body(
        head(30, incomes=[wages(1500)], expenses=[expense(1400, "Rent")]),
        person(6),
        livingRenting=True,
    )
    snap = results(b)["snap"]
    assert snap.status == "likely"
    assert snap.amount == 471
    assert snap.amount_period == "month"


def test_zero_income_household_gets_the_maximum_allotment() -> None:
    b = body(head(30), person(4), person(7), person(9))
    assert results(b)["snap"].amount == 994  # FY2026 maximum for 4


def test_minimum_benefit_for_one_person() -> None:
    # $1,600 unearned, no costs: net = 1600 - 209 = 1391 > net limit 1305, but BBCE at 130%
    # makes the household eligible; 298 - ceil(417.3) < 0 -> minimum benefit 24.
    snap = results(_unearned_household(1, 1600))["snap"]
    assert snap.status == "likely"
    assert snap.amount == 24


def test_large_household_with_zero_benefit_is_not_eligible() -> None:
    # 3 people, $2,880 unearned (under 130% = 2,888) but no deductions beyond standard:
    # net 2671, 785 - ceil(801.3) < 0 -> no benefit for 3+ people.
    snap = results(_unearned_household(3, 2880))["snap"]
    assert snap.status == "not_eligible"
    assert "$0" in snap.reasons[0]


def test_elderly_household_over_bbce_passes_on_net_income() -> None:
    # Aged 70, $2,700 pension (above 200% = 2,608) but $1,900 rent and medical costs:
    # net income well under the 1,305 limit -> eligible by the regular net test.
    b = body(
        head(
            70,
            incomes=[income(2700, "Pension")],
            expenses=[expense(1900, "Rent"), expense(400, "Medical")],
        ),
        livingRenting=True,
    )
    snap = results(b)["snap"]
    assert snap.status == "likely", snap.reasons
    assert "older or disabled" in snap.reasons[0]


def test_everyone_on_ssi_is_categorically_eligible() -> None:
    b = body(head(50, incomes=[income(994, "SSI")]))
    snap = results(b)["snap"]
    assert snap.status == "likely"
    assert "SSI or Cash Assistance" in snap.reasons[0]


def test_child_support_paid_is_excluded_from_gross() -> None:
    over = _unearned_household(1, 1800)
    over[0]["person"][0]["expenses"] = [expense(200, "ChildSupport")]
    assert results(over)["snap"].status == "likely"


def test_spanish_reason_cites_the_same_figures() -> None:
    snap = results(_unearned_household(2, 5000), FY26, "es")["snap"]
    assert snap.status == "not_eligible"
    assert "supera el límite" in snap.reasons[0] and "$2,292" in snap.reasons[0]
    assert snap.inputs_that_change == ["incomes", "expenses"]


def test_utility_allowances_after_public_law_119_21() -> None:
    # One adult, $1,200 wages, $600 rent. adjusted = 1200 - 240 - 209 = 751; half = 375.5
    def snap_for(extra: list, day=FY26) -> float:
        costs = [expense(600, "Rent"), *extra]
        return results(body(head(30, incomes=[wages(1200)], expenses=costs)), day)["snap"].amount

    # no utility bill: excess shelter 600 - 375.5 = 224.5 -> net 526.5 -> 298 - 158 = 140
    assert snap_for([]) == 140
    # heating bill: SUA 1,062 -> excess 1286.5 capped 744 -> net 7 -> 298 - 3 = 295
    assert snap_for([expense(80, "Heating")]) == 295
    # other utilities only: LUA 419 -> excess 643.5 -> net 107.5 -> 298 - 33 = 265
    assert snap_for([expense(80, "Utilities")]) == 265
    # before 2025-07-04 every NY household got the SUA through HEAP. FY2025: standard 204,
    # adjusted 756, SUA 1,034: excess 1634 - 378 capped at 712 -> net 44 -> 292 - ceil(13.2)
    assert snap_for([], D(2025, 6, 1)) == 292 - 14


def test_abawd_time_limit_is_explained_not_applied() -> None:
    snap = results(body(head(30)))["snap"]  # no income, no child: eligible, with the note
    assert snap.status == "likely"
    assert any("3 months in 3 years" in r for r in snap.reasons)
    parent = results(body(head(30), person(10)))["snap"]
    assert not any("3 months" in r for r in parent.reasons)
    worker = results(body(head(30, incomes=[wages(1200)])))["snap"]
    assert not any("3 months" in r for r in worker.reasons)
