"""Tax credits for the tax year containing the screening date: federal EITC (26 USC 32), Child
Tax Credit (26 USC 24), NY EITC (30% of federal), Empire State Child Credit, the child and
dependent care credit and NYC Free Tax Prep. The tax unit is the head of household, a spouse
(filing jointly) and the children of the household."""

from __future__ import annotations

import numpy as np

from openhhs.screening.household import Derived
from openhhs.screening.params import Snapshot
from openhhs.screening.rules._base import INCOME, Decide, RuleResult, Status, rule

L, N, E = Status.LIKELY, Status.NOT_ELIGIBLE, Status.ELIGIBLE


def filing_status(d: Derived) -> np.ndarray:
    """1 single, 2 head of household (has a qualifying child), 3 married filing jointly."""
    return np.where(d.joint, 3, np.where(d.n_qualifying_children > 0, 2, 1))


def income_tax_before_credits(d: Derived, p: Snapshot) -> np.ndarray:
    """Federal income tax on AGI after the standard deduction (10/12/22% brackets)."""
    status = filing_status(d)
    taxable = np.maximum(
        d.filer_agi_yearly - p.table("tax.income_tax_standard_deduction")(status), 0
    )
    t10 = p.table("tax.income_tax_bracket_10_top")(status)
    t12 = p.table("tax.income_tax_bracket_12_top")(status)
    return (
        0.10 * np.minimum(taxable, t10)
        + 0.12 * np.clip(taxable - t10, 0, t12 - t10)
        + 0.22 * np.maximum(taxable - t12, 0)
    )


def eitc_amount(d: Derived, p: Snapshot) -> dict[str, np.ndarray]:
    kids = np.minimum(d.n_qualifying_children, 3)
    idx = kids + 1  # tables are keyed 1 = no child
    earned = d.filer_earned_yearly
    agi = d.filer_agi_yearly
    rate_in = p.table("tax.eitc_phase_in_rate")(idx)
    rate_out = p.table("tax.eitc_phase_out_rate")(idx)
    max_credit = np.round(rate_in * p.table("tax.eitc_earned_income_amount")(idx))
    start = np.where(
        d.joint,
        p.table("tax.eitc_phase_out_start_joint")(idx),
        p.table("tax.eitc_phase_out_start")(idx),
    )
    phase_in = np.minimum(rate_in * earned, max_credit)
    reduction = rate_out * np.maximum(np.maximum(earned, agi) - start, 0)
    credit = np.maximum(np.round(phase_in - reduction), 0)
    head_age = d.head_age
    childless_ok = (kids > 0) | (
        (head_age >= p.num("tax.eitc_childless_min_age"))
        & (head_age <= p.num("tax.eitc_childless_max_age"))
    )
    invest_ok = d.investment_yearly <= p.num("tax.eitc_investment_income_limit")
    credit = np.where(childless_ok & invest_ok, credit, 0)
    return {
        "credit": credit,
        "earned": earned,
        "agi": agi,
        "childless_ok": childless_ok,
        "invest_ok": invest_ok,
    }


@rule("S2R006", "eitc", amount_unit="year")
def eitc(d: Derived, p: Snapshot) -> RuleResult:
    a = d.memo("eitc_amount", lambda: eitc_amount(d, p))
    params = ("tax.eitc_earned_income_amount", "tax.eitc_phase_out_start")
    return (
        Decide(d.H)
        .when(a["earned"] <= 0, N, "eitc_no_earnings", inputs=INCOME)
        .when(
            ~a["invest_ok"],
            N,
            "eitc_investment_over",
            value=d.investment_yearly,
            limit=p.num("tax.eitc_investment_income_limit"),
            inputs=INCOME,
            params=("tax.eitc_investment_income_limit",),
        )
        .when(
            ~a["childless_ok"],
            N,
            "eitc_childless_age",
            inputs=("age",),
            params=("tax.eitc_childless_min_age",),
        )
        .when(a["credit"] > 0, L, "eitc_amount", value=a["earned"], inputs=INCOME, params=params)
        .otherwise(
            N,
            "eitc_phased_out",
            value=np.maximum(a["earned"], a["agi"]),
            inputs=INCOME,
            params=params,
            amount=a["credit"],
        )
    )


@rule("X-NYEITC", "ny_eitc", amount_unit="year")
def ny_eitc(d: Derived, p: Snapshot) -> RuleResult:
    fed = d.memo("eitc_amount", lambda: eitc_amount(d, p))["credit"]
    credit = np.round(p.num("tax.ny_eitc_rate") * fed)
    return (
        Decide(d.H)
        .when(credit > 0, L, "ny_eitc_amount", inputs=INCOME, params=("tax.ny_eitc_rate",))
        .otherwise(N, "ny_eitc_none", inputs=INCOME, params=("tax.ny_eitc_rate",), amount=credit)
    )


def ctc_amount(d: Derived, p: Snapshot) -> dict[str, np.ndarray]:
    child = d.is_child_relation & (d.age < p.num("tax.ctc_child_age_limit"))
    n = d.hcount(child)
    agi = d.filer_agi_yearly
    start = np.where(
        d.joint, p.num("tax.ctc_phase_out_start_joint"), p.num("tax.ctc_phase_out_start")
    )
    # $50 for each $1,000 (or part of it) above the threshold, 26 USC 24(b)(1).
    reduction = p.num("tax.ctc_phase_out_rate") * 1000 * np.ceil(np.maximum(agi - start, 0) / 1000)
    full = np.maximum(n * p.num("tax.ctc_amount") - reduction, 0)
    liability = income_tax_before_credits(d, p)
    nonrefundable = np.minimum(full, liability)
    refundable_cap = n * p.num("tax.ctc_refundable_max")
    phase_in = p.num("tax.ctc_refundable_rate") * np.maximum(
        d.filer_earned_yearly - p.num("tax.ctc_refundable_threshold"), 0
    )
    refundable = np.minimum(np.minimum(full - nonrefundable, refundable_cap), phase_in)
    credit = np.round(nonrefundable + np.maximum(refundable, 0))
    return {"n": n, "credit": credit, "full": full, "agi": agi}


@rule("S2R004", "ctc", amount_unit="year")
def ctc(d: Derived, p: Snapshot) -> RuleResult:
    a = d.memo("ctc_amount", lambda: ctc_amount(d, p))
    params = ("tax.ctc_amount", "tax.ctc_refundable_max")
    return (
        Decide(d.H)
        .when(a["n"] == 0, N, "ctc_no_child", inputs=("age", "householdMemberType"))
        .when(
            a["full"] <= 0,
            N,
            "ctc_phased_out",
            value=a["agi"],
            inputs=INCOME,
            params=("tax.ctc_phase_out_start",),
        )
        .when(a["credit"] > 0, L, "ctc_amount", inputs=INCOME, params=params)
        .otherwise(N, "ctc_no_income", inputs=INCOME, params=params, amount=a["credit"])
    )


@rule("X-ESCC", "escc", amount_unit="year")
def escc(d: Derived, p: Snapshot) -> RuleResult:
    child = d.is_child_relation & (d.age < 17)
    young = d.hcount(child & (d.age < 4))
    older = d.hcount(child & (d.age >= 4))
    base = young * p.num("tax.escc_young_child_amount") + older * p.num("tax.escc_child_amount")
    agi = d.filer_agi_yearly
    start = np.where(
        d.joint, p.num("tax.escc_phase_out_start_joint"), p.num("tax.escc_phase_out_start")
    )
    reduction = p.num("tax.escc_phase_out_rate") * 1000 * np.ceil(np.maximum(agi - start, 0) / 1000)
    credit = np.maximum(base - reduction, 0)
    params = ("tax.escc_young_child_amount", "tax.escc_child_amount")
    return (
        Decide(d.H)
        .when(young + older == 0, N, "escc_no_child", inputs=("age", "householdMemberType"))
        .when(credit > 0, L, "escc_amount", inputs=INCOME, params=params)
        .otherwise(
            N,
            "escc_phased_out",
            value=agi,
            inputs=INCOME,
            params=("tax.escc_phase_out_start",),
            amount=credit,
        )
    )


@rule("S2R001", "cdctc")
def cdctc(d: Derived, p: Snapshot) -> RuleResult:
    dependant = d.hany((d.age < 13) | (d.is_disabled & ~d.is_head))
    return (
        Decide(d.H)
        .when(~dependant, N, "no_eligible_member", inputs=("age", "disabled"))
        .when(d.dependent_care <= 0, N, "cdctc_no_care", inputs=("expenses",))
        .when(d.filer_earned_yearly <= 0, N, "cdctc_no_earnings", inputs=INCOME)
        .otherwise(
            L, "cdctc_within", inputs=("expenses", "incomes"), params=("tax.cdctc_max_expenses",)
        )
    )


@rule("S2R039", "free_tax_prep")
def free_tax_prep(d: Derived, p: Snapshot) -> RuleResult:
    has_child = d.n_qualifying_children > 0
    limit = np.where(
        has_child, p.num("tax.free_tax_prep_limit"), p.num("tax.free_tax_prep_limit_single")
    )
    ok = d.income_yearly <= limit
    params = ("tax.free_tax_prep_limit",)
    return (
        Decide(d.H)
        .when(
            ok,
            L,
            "income_within_year",
            value=d.income_yearly,
            limit=limit,
            inputs=INCOME,
            params=params,
        )
        .otherwise(
            N, "income_over_year", value=d.income_yearly, limit=limit, inputs=INCOME, params=params
        )
    )
