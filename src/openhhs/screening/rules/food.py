"""Food programs: SNAP (full federal formula with NY broad-based categorical eligibility), WIC,
school and summer meals, Summer EBT, CSFP, Community Food Connection."""

from __future__ import annotations

import numpy as np

from openhhs.model.codes import ExpenseType
from openhhs.screening.household import EXPENSE_INDEX, Derived
from openhhs.screening.params import Snapshot
from openhhs.screening.rules._base import Decide, RuleResult, Status, fpg, rule
from openhhs.screening.rules.health import medicaid_person

L, N, E = Status.LIKELY, Status.NOT_ELIGIBLE, Status.ELIGIBLE


def snap_amounts(d: Derived, p: Snapshot) -> dict[str, np.ndarray]:
    """The SNAP computation of 7 CFR 273.9-273.10, every intermediate kept for reasons and tests."""
    size = d.size
    # Elderly or disabled as SNAP defines it (7 CFR 271.2): 60+, or getting disability benefits.
    elderly_p = (d.age >= int(p.num("snap.elderly_age"))) | d.usda_disabled
    elderly_or_disabled = d.hany(elderly_p)
    # NY excludes legally obligated child support paid from gross income (7 CFR 273.9(c)(17)).
    gross = np.maximum(d.income_monthly - d.child_support_paid, 0.0)
    earned = d.earned_monthly
    earned_ded = p.num("snap.earned_income_deduction") * earned
    std = p.table("snap.standard_deduction")(size)
    dep_care = d.dependent_care
    # Medical costs count for elderly or disabled members only (7 CFR 273.9(d)(3)); a member 65+
    # on Social Security without Medicaid is assumed to pay the standard Part B premium.
    medical_cols = [
        EXPENSE_INDEX[ExpenseType.MEDICAL],
        EXPENSE_INDEX[ExpenseType.INSURANCE_PREMIUMS],
    ]
    on_medicaid = d.pflag("benefits_medicaid") | d.pflag("benefits_medicaid_disability")
    # ... unless the Medicare Savings Program pays it: the person's (or couple's) income, with
    # the $20 general disregard, at or below the MSP share of the 1- or 2-person guideline.
    couple = (d.is_head | d.is_partner) & d.to_person(d.joint)
    couple_income = d.hsum(np.where(d.is_head | d.is_partner, d.person_income, 0.0))
    msp_income = np.where(couple, d.to_person(couple_income), d.person_income) - 20
    msp_limit = p.num("snap.msp_income_pct") * p.table("hhs.fpg")(np.where(couple, 2, 1)) / 12
    part_b = (d.age >= 65) & (d.social_security > 0) & ~on_medicaid & (msp_income > msp_limit)
    premium = np.where(part_b, p.num("snap.medicare_part_b_premium"), 0.0)
    costs = d.f.expense[:, medical_cols].sum(axis=1) + premium
    own_medical = d.hsum(np.where(elderly_p, costs, 0.0))
    medical = np.maximum(own_medical - p.num("snap.medical_disregard"), 0.0)
    adjusted = np.maximum(gross - earned_ded - std - dep_care - medical, 0.0)
    # Shelter: rent/mortgage plus a utility allowance. The NYC SUA goes to households with a
    # heating or cooling cost, or deemed through HEAP (since P.L. 119-21, only households with an
    # elderly or disabled member); the LUA to households paying other utilities.
    housing = d.shelter_costs
    heat_cool = d.expense_of(ExpenseType.HEATING, ExpenseType.COOLING) > 0
    deemed = (p.num("snap.heat_and_eat_all_households") > 0) | elderly_or_disabled
    utilities = d.expense_of(ExpenseType.UTILITIES) > 0
    sua = np.where(
        heat_cool | deemed,
        p.num("snap.standard_utility_allowance"),
        np.where(utilities, p.num("snap.limited_utility_allowance"), 0.0),
    )
    in_shelter = d.hflag("living_shelter")
    shelter_costs = np.where(in_shelter, 0.0, housing + sua)
    excess = np.maximum(shelter_costs - p.num("snap.shelter_income_share") * adjusted, 0.0)
    excess = np.where(elderly_or_disabled, excess, np.minimum(excess, p.num("snap.shelter_cap")))
    homeless_ded = np.where(
        in_shelter & (housing > 0), p.num("snap.homeless_shelter_deduction"), 0.0
    )
    # Net income in whole dollars (7 CFR 273.10(e)(1)(ii)(B): round to the nearest dollar).
    net = np.round(np.maximum(adjusted - excess - homeless_ded, 0.0))
    max_allot = p.table("snap.max_allotment")(size)
    benefit = max_allot - np.ceil(p.num("snap.benefit_reduction_rate") * net)
    small = size <= 2
    benefit = np.where(small, np.maximum(benefit, p.num("snap.minimum_benefit")), benefit)
    benefit = np.maximum(np.floor(benefit), 0.0)
    # NY BBCE gross limit: 200% with dependent care, elderly or disabled; 150% with earnings.
    bbce_limit = np.where(
        (dep_care > 0) | elderly_or_disabled,
        p.table("snap.bbce_limit_200")(size),
        np.where(
            earned > 0, p.table("snap.bbce_limit_150")(size), p.table("snap.gross_limit")(size)
        ),
    )
    return {
        "gross": gross,
        "net": net,
        "benefit": benefit,
        "bbce_limit": bbce_limit,
        "gross_limit": p.table("snap.gross_limit")(size),
        "net_limit": p.table("snap.net_limit")(size),
        "elderly_or_disabled": elderly_or_disabled,
        "max_allotment": max_allot,
        "excess_shelter": excess,
        "adjusted": adjusted,
        "medical": medical,
    }


@rule("S2R007", "snap", amount_unit="month")
def snap(d: Derived, p: Snapshot) -> RuleResult:
    a = snap_amounts(d, p)
    categorical = d.all_ssi_or_ca
    passes_bbce = a["gross"] <= a["bbce_limit"]
    # Households with an elderly or disabled member who fail BBCE may still pass the regular
    # net income test (no gross test for them, 7 CFR 273.9(a)).
    passes_regular = a["elderly_or_disabled"] & (a["net"] <= a["net_limit"])
    zero = (a["benefit"] <= 0) & (d.size > 2)
    inputs = ("incomes", "expenses")
    result = (
        Decide(d.H)
        .when(categorical, L, "snap_categorical", inputs=("incomes",))
        .when(
            (passes_bbce | passes_regular) & zero,
            N,
            "snap_zero_benefit",
            value=a["net"],
            limit=a["net_limit"],
            inputs=inputs,
            params=("snap.max_allotment", "snap.benefit_reduction_rate"),
        )
        .when(
            passes_bbce,
            L,
            "snap_gross_within",
            value=a["gross"],
            limit=a["bbce_limit"],
            inputs=inputs,
            params=("snap.bbce_limit_200", "snap.max_allotment"),
        )
        .when(
            passes_regular,
            L,
            "snap_net_within",
            value=a["net"],
            limit=a["net_limit"],
            inputs=inputs,
            params=("snap.net_limit",),
        )
        .when(
            a["elderly_or_disabled"],
            N,
            "snap_net_over",
            value=a["net"],
            limit=a["net_limit"],
            inputs=inputs,
            params=("snap.net_limit",),
        )
        .otherwise(
            N,
            "snap_gross_over",
            value=a["gross"],
            limit=a["bbce_limit"],
            inputs=inputs,
            params=("snap.gross_limit", "snap.bbce_limit_200"),
            amount=a["benefit"],
        )
    )
    # ABAWD time limit (7 U.S.C. 2015(o), ages 18-64 since P.L. 119-21): an adult without a child
    # under 14, not disabled or pregnant, earning less than 80 hours at the federal minimum wage
    # a month gets SNAP for 3 months in 36 unless exempt.
    adult = (d.age >= 18) & (d.age <= p.num("snap.abawd_max_age"))
    exempt = d.usda_disabled | d.pflag("pregnant") | d.to_person(d.has_age(0, 13))
    low_work = d.person_earned < p.num("snap.abawd_monthly_earnings")
    abawd = d.hany(adult & ~exempt & low_work)
    ok = (result.status == Status.LIKELY) | (result.status == Status.ELIGIBLE)
    result.notes.append(("snap_abawd_note", ok & abawd))
    return result


def _adjunctive(d: Derived) -> np.ndarray:
    """Person-level WIC adjunctive eligibility: on Medicaid, or in a cash-assistance household."""
    on_medicaid = d.pflag("benefits_medicaid") | d.pflag("benefits_medicaid_disability")
    return on_medicaid | d.to_person(d.has_cash_assistance)


def _adjunctive_if_enrolled(d: Derived, p: Snapshot) -> np.ndarray:
    """Adjunctive WIC eligibility, counting people the Medicaid rules find eligible: enrolling
    them in Medicaid (free for infants and pregnant people) makes them WIC income-eligible."""
    eligible = d.memo("medicaid_person", lambda: medicaid_person(d, p))["eligible"]
    return _adjunctive(d) | eligible


@rule("S2R022", "wic", person_level=True)
def wic(d: Derived, p: Snapshot) -> RuleResult:
    age_limit = p.num("wic.child_age_limit")
    category = d.pflag("pregnant") | (d.age < age_limit)
    limit = p.table("wic.income_limit")(d.members_plus_pregnant)
    income_ok = d.income_yearly <= limit
    adjunctive = _adjunctive_if_enrolled(d, p)
    person = category & (d.to_person(income_ok) | adjunctive)
    has_category = d.hany(category)
    adjunct = d.hany(category & adjunctive)
    return (
        Decide(d.H)
        .when(~has_category, N, "no_eligible_member", inputs=("age", "pregnant"))
        .when(adjunct, L, "wic_adjunctive", inputs=("benefitsMedicaid", "incomes"))
        .income_test(
            d.income_yearly, limit, "year", params=("wic.income_limit",), person_eligible=person
        )
    )


@rule("S2R020", "school_meals", person_level=True)
def school_meals(d: Derived, p: Snapshot) -> RuleResult:
    school_age = (d.age >= 4) & (d.age <= 18)
    return (
        Decide(d.H)
        .when(d.hany(school_age), E, "universal_school_meals", inputs=("age",))
        .otherwise(N, "no_eligible_member", inputs=("age",), person_eligible=school_age)
    )


@rule("S2R023", "summer_meals", person_level=True)
def summer_meals(d: Derived, p: Snapshot) -> RuleResult:
    kid = d.age <= 18
    return (
        Decide(d.H)
        .when(d.hany(kid), E, "open_to_all", inputs=("age",))
        .otherwise(N, "no_eligible_member", inputs=("age",), person_eligible=kid)
    )


@rule("S2R062", "summer_ebt", person_level=True)
def summer_ebt(d: Derived, p: Snapshot) -> RuleResult:
    kid = (d.age >= 6) & (d.age <= 16)  # school-age children (ACCESS NYC S2R062)
    limit = p.table("school_meals.summer_ebt_limit")(d.size)
    income_ok = d.income_monthly <= limit
    categorical = d.has_cash_assistance | d.has_medicaid
    person = kid & d.to_person(income_ok | categorical)
    return (
        Decide(d.H)
        .when(~d.hany(kid), N, "no_eligible_member", inputs=("age",))
        .when(categorical, L, "categorical_benefit", inputs=("incomes", "benefitsMedicaid"))
        .income_test(
            d.income_monthly,
            limit,
            "month",
            params=("school_meals.summer_ebt_limit",),
            person_eligible=person,
        )
    )


@rule("S2R027", "csfp", person_level=True)
def csfp(d: Derived, p: Snapshot) -> RuleResult:
    senior = d.age >= 60
    limit = p.num("nyc.csfp_pct") * fpg(d, p)
    ok = d.income_yearly <= limit
    return (
        Decide(d.H)
        .when(~d.hany(senior), N, "no_eligible_member", inputs=("age",))
        .income_test(
            d.income_yearly,
            limit,
            "year",
            params=("nyc.csfp_pct", "hhs.fpg"),
            person_eligible=senior & d.to_person(ok),
        )
    )


@rule("S2R056", "community_food_connection")
def community_food_connection(d: Derived, p: Snapshot) -> RuleResult:
    return Decide(d.H).otherwise(E, "open_to_all")
