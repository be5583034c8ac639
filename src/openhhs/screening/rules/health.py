"""Health coverage: NY Medicaid by category (MAGI, 42 CFR 435), Medicaid for pregnant women,
Child Health Plus, the Essential Plan (250% -> 200% on 2026-07-01), QHPs and related programs."""

from __future__ import annotations

import numpy as np

from openhhs.screening.household import Derived
from openhhs.screening.params import Snapshot
from openhhs.screening.rules._base import INCOME, Decide, RuleResult, Status, fpg, rule


def _pct(p: Snapshot, key: str, guide: np.ndarray) -> np.ndarray:
    """A share of the poverty guideline, rounded up to whole dollars as NY publishes it."""
    return np.ceil(p.num(key) * guide - 1e-6)


L, N, E = Status.LIKELY, Status.NOT_ELIGIBLE, Status.ELIGIBLE


def medicaid_person(d: Derived, p: Snapshot) -> dict[str, np.ndarray]:
    """Person-level Medicaid category tests; the unborn child counts in the household size."""
    size_p = d.to_person(d.members_plus_pregnant)
    guide = p.table("hhs.fpg")(size_p)
    magi = d.to_person(d.magi_yearly)
    gross = d.to_person(d.income_yearly)
    age = d.age
    pregnant = d.pflag("pregnant")
    aged_disabled = (age >= 65) | d.is_disabled
    limits = {
        "medicaid_infant": (age < 1, _pct(p, "health.medicaid_infant_pct", guide), magi),
        "medicaid_pregnant": (pregnant, _pct(p, "health.medicaid_pregnant_pct", guide), magi),
        "medicaid_child": (
            (age >= 1) & (age <= 18),
            _pct(p, "health.medicaid_child_pct", guide),
            magi,
        ),
        "medicaid_young_adult": (
            (age >= 19) & (age <= 20),
            _pct(p, "health.medicaid_young_adult_pct", guide),
            magi,
        ),
        "medicaid_adult": (
            (age >= 19) & (age <= 64),
            _pct(p, "health.medicaid_adult_pct", guide),
            magi,
        ),
        "medicaid_aged_disabled": (
            aged_disabled,
            _pct(p, "health.medicaid_aged_pct", guide),
            gross,
        ),
    }
    out: dict[str, np.ndarray] = {}
    best_limit = np.zeros_like(guide)
    any_ok = np.zeros(age.shape, dtype=bool)
    for name, (cat, limit, income) in limits.items():
        ok = cat & (income <= limit)
        out[name] = ok
        out[name + "_limit"] = limit
        any_ok |= ok
        best_limit = np.where(cat, np.maximum(best_limit, limit), best_limit)
    out["eligible"] = any_ok
    out["best_limit"] = best_limit
    return out


@rule("X-MEDICAID", "medicaid", person_level=True)
def medicaid(d: Derived, p: Snapshot) -> RuleResult:
    m = d.memo("medicaid_person", lambda: medicaid_person(d, p))
    dec = Decide(d.H)
    enrolled = d.pflag("benefits_medicaid") | d.pflag("benefits_medicaid_disability")
    dec.when(d.hcount(enrolled) == d.size, E, "already_enrolled", inputs=("benefitsMedicaid",))
    for name in (
        "medicaid_infant",
        "medicaid_pregnant",
        "medicaid_child",
        "medicaid_young_adult",
        "medicaid_adult",
        "medicaid_aged_disabled",
    ):
        pct = {
            "medicaid_infant": "health.medicaid_infant_pct",
            "medicaid_pregnant": "health.medicaid_pregnant_pct",
            "medicaid_child": "health.medicaid_child_pct",
            "medicaid_young_adult": "health.medicaid_young_adult_pct",
            "medicaid_adult": "health.medicaid_adult_pct",
            "medicaid_aged_disabled": "health.medicaid_aged_pct",
        }[name]
        limit_h = np.zeros(d.H)
        np.maximum.at(limit_h, d.f.hh, np.where(m[name], m[name + "_limit"], 0.0))
        dec.when(
            d.hany(m[name]),
            L,
            name,
            value=d.magi_yearly,
            limit=limit_h,
            inputs=("incomes", "age", "pregnant"),
            params=(pct, "hhs.fpg"),
        )
    best = np.zeros(d.H)
    np.maximum.at(best, d.f.hh, m["best_limit"])
    return dec.otherwise(
        N,
        "medicaid_over",
        value=d.magi_yearly,
        limit=best,
        inputs=INCOME,
        params=("health.medicaid_adult_pct", "hhs.fpg"),
        person_eligible=m["eligible"] | enrolled,
    )


@rule("S2R038", "medicaid_pregnant", person_level=True)
def medicaid_pregnant(d: Derived, p: Snapshot) -> RuleResult:
    who = d.pflag("pregnant") | (d.age < 1)
    limit = _pct(p, "health.medicaid_pregnant_pct", fpg(d, p, d.members_plus_pregnant))
    ok = d.magi_yearly <= limit
    return (
        Decide(d.H)
        .when(~d.hany(who), N, "no_eligible_member", inputs=("pregnant", "age"))
        .when(
            ok,
            L,
            "medicaid_pregnant_within",
            value=d.magi_yearly,
            limit=limit,
            inputs=INCOME,
            params=("health.medicaid_pregnant_pct", "hhs.fpg"),
        )
        .otherwise(
            N,
            "income_over_year",
            value=d.magi_yearly,
            limit=limit,
            inputs=INCOME,
            params=("health.medicaid_pregnant_pct", "hhs.fpg"),
            person_eligible=who & d.to_person(ok),
        )
    )


@rule("S2R057", "child_health_plus", person_level=True)
def child_health_plus(d: Derived, p: Snapshot) -> RuleResult:
    m = d.memo("medicaid_person", lambda: medicaid_person(d, p))
    child = d.age < 19
    chp_child = child & ~m["eligible"]
    guide = fpg(d, p)
    sub = _pct(p, "health.chp_subsidy_pct", guide)
    free = _pct(p, "health.chp_free_pct", guide)
    income = d.magi_yearly
    params = ("health.chp_subsidy_pct", "hhs.fpg")
    return (
        Decide(d.H)
        .when(~d.hany(child), N, "no_eligible_member", inputs=("age",))
        .when(~d.hany(chp_child), N, "chp_medicaid_instead", inputs=INCOME)
        .when(income < free, L, "chp_free", value=income, limit=free, inputs=INCOME, params=params)
        .when(
            income <= sub,
            L,
            "chp_subsidized",
            value=income,
            limit=sub,
            inputs=INCOME,
            params=params,
        )
        .otherwise(
            L,
            "chp_full_premium",
            value=income,
            limit=sub,
            inputs=INCOME,
            params=params,
            person_eligible=chp_child,
        )
    )


@rule("S2R058", "essential_plan", person_level=True)
def essential_plan(d: Derived, p: Snapshot) -> RuleResult:
    adult = (d.age >= 19) & (d.age <= 64) & ~d.pflag("pregnant")
    not_enrolled = adult & ~(d.pflag("benefits_medicaid") | d.pflag("benefits_medicaid_disability"))
    guide = fpg(d, p)
    low = _pct(p, "health.medicaid_adult_pct", guide)
    high = _pct(p, "health.essential_plan_pct", guide)
    income = d.magi_yearly
    ok = (income > low) & (income <= high)
    params = ("health.essential_plan_pct", "hhs.fpg")
    return (
        Decide(d.H)
        .when(~d.hany(adult), N, "no_eligible_member", inputs=("age",))
        .when(~d.hany(not_enrolled), N, "ep_on_medicaid", inputs=("benefitsMedicaid",))
        .when(
            income <= low,
            N,
            "ep_medicaid_instead",
            value=income,
            limit=low,
            inputs=INCOME,
            params=("health.medicaid_adult_pct", "hhs.fpg"),
        )
        .when(ok, L, "ep_within", value=income, limit=high, inputs=INCOME, params=params)
        .otherwise(
            N,
            "ep_over",
            value=income,
            limit=high,
            inputs=INCOME,
            params=params,
            person_eligible=not_enrolled & d.to_person(ok),
        )
    )


@rule("S2R011", "qhp", person_level=True)
def qhp(d: Derived, p: Snapshot) -> RuleResult:
    under65 = d.age < 65
    return (
        Decide(d.H)
        .when(d.hany(under65), L, "qhp_open", inputs=("age",))
        .otherwise(N, "no_eligible_member", inputs=("age",), person_eligible=under65)
    )


@rule("S2R031", "family_planning", person_level=True)
def family_planning(d: Derived, p: Snapshot) -> RuleResult:
    who = (d.age >= 10) & (d.age <= 65) & ~d.pflag("benefits_medicaid")
    limit = _pct(p, "health.family_planning_pct", fpg(d, p)) / 12
    ok = d.income_monthly <= limit
    params = ("health.family_planning_pct", "hhs.fpg")
    return (
        Decide(d.H)
        .when(~d.hany(who), N, "no_eligible_member", inputs=("age", "benefitsMedicaid"))
        .income_test(
            d.income_monthly, limit, "month", params=params, person_eligible=who & d.to_person(ok)
        )
    )


@rule("S2R060", "medicaid_transportation", person_level=True)
def medicaid_transportation(d: Derived, p: Snapshot) -> RuleResult:
    on = d.pflag("benefits_medicaid") | d.pflag("benefits_medicaid_disability")
    return (
        Decide(d.H)
        .when(d.hany(on), E, "eligible_member", inputs=("benefitsMedicaid",))
        .otherwise(N, "no_eligible_member", inputs=("benefitsMedicaid",), person_eligible=on)
    )


@rule("S2R037", "home_care", person_level=True)
def home_care(d: Derived, p: Snapshot) -> RuleResult:
    who = (d.age >= 65) | d.is_disabled
    limit = _pct(p, "health.medicaid_aged_pct", fpg(d, p))
    ok = d.income_yearly <= limit
    params = ("health.medicaid_aged_pct", "hhs.fpg")
    return (
        Decide(d.H)
        .when(~d.hany(who), N, "no_eligible_member", inputs=("age", "disabled"))
        .income_test(
            d.income_yearly, limit, "year", params=params, person_eligible=who & d.to_person(ok)
        )
    )


@rule("S2R029", "nurse_family_partnership", person_level=True)
def nurse_family_partnership(d: Derived, p: Snapshot) -> RuleResult:
    who = d.pflag("pregnant")
    limit = p.table("nyc.nurse_family_partnership_limit")(d.members_plus_pregnant)
    ok = d.income_yearly <= limit
    params = ("nyc.nurse_family_partnership_limit",)
    return (
        Decide(d.H)
        .when(~d.hany(who), N, "no_eligible_member", inputs=("pregnant",))
        .income_test(
            d.income_yearly, limit, "year", params=params, person_eligible=who & d.to_person(ok)
        )
    )


@rule("S2R046", "covid_vaccines")
def covid_vaccines(d: Derived, p: Snapshot) -> RuleResult:
    return Decide(d.H).otherwise(E, "open_to_all")
