"""NYC and NY State programs at ACCESS NYC's rule logic: housing and rent freezes, property tax
exemptions, energy help, transit discounts, early childhood, youth and adult employment."""

from __future__ import annotations

import numpy as np

from openhhs.model.codes import IncomeType, RentalType
from openhhs.screening.household import Derived
from openhhs.screening.params import Snapshot
from openhhs.screening.rules._base import B1, INCOME, Decide, RuleResult, Status, fpg, rule

L, N, E, M = Status.LIKELY, Status.NOT_ELIGIBLE, Status.ELIGIBLE, Status.NEED_MORE_INFO
HOUSING = ("livingRenting", "livingOwner")


def _members(
    d: Derived, who: B1, status: Status = E, reason: str = "eligible_member"
) -> RuleResult:
    """A program open to anyone in a category (no income test)."""
    return (
        Decide(d.H)
        .when(d.hany(who), status, reason, inputs=("age",))
        .otherwise(N, "no_eligible_member", inputs=("age",), person_eligible=who)
    )


def _income_test(
    d: Derived,
    who: B1,
    income: np.ndarray,
    limit: np.ndarray,
    params: tuple[str, ...],
    period: str,
    *,
    categorical: B1 | None = None,
) -> RuleResult:
    ok = income <= limit
    dec = Decide(d.H).when(~d.hany(who), N, "no_eligible_member", inputs=("age",))
    if categorical is not None:
        dec.when(categorical, L, "categorical_benefit", inputs=INCOME)
        ok = ok | categorical
    dec.when(
        income <= limit,
        L,
        f"income_within_{period}",
        value=income,
        limit=limit,
        inputs=INCOME,
        params=params,
    )
    return dec.otherwise(
        N,
        f"income_over_{period}",
        value=income,
        limit=limit,
        inputs=INCOME,
        params=params,
        person_eligible=who & d.to_person(ok),
    )


def _everyone(d: Derived) -> B1:
    return np.ones(d.f.n_persons, dtype=bool)


@rule("S2R003", "infants_toddlers", person_level=True)
def infants_toddlers(d: Derived, p: Snapshot) -> RuleResult:
    limit = p.table("nyc.infants_toddlers_limit")(d.size)
    return _income_test(
        d, d.age < 3, d.income_monthly, limit, ("nyc.infants_toddlers_limit",), "month"
    )


@rule("S2R008", "head_start", person_level=True)
def head_start(d: Derived, p: Snapshot) -> RuleResult:
    limit = p.num("nyc.head_start_pct") * fpg(d, p)
    categorical = d.has_cash_assistance | d.has_ssi | d.hflag("living_shelter")
    who = (d.age >= 3) & (d.age <= 4)
    return _income_test(
        d,
        who,
        d.income_yearly,
        limit,
        ("nyc.head_start_pct", "hhs.fpg"),
        "year",
        categorical=categorical,
    )


@rule("S2R009", "compass", person_level=True)
def compass(d: Derived, p: Snapshot) -> RuleResult:
    return _members(d, (d.age >= 5) & (d.age <= 18))


@rule("S2R010", "cash_assistance")
def cash_assistance(d: Derived, p: Snapshot) -> RuleResult:
    family = d.has_age(0, 17) | d.has_pregnant
    limit = np.where(
        family,
        p.table("nyc.cash_assistance_standard")(d.size),
        p.table("nyc.cash_assistance_standard_general")(d.size),
    )
    income = d.income_monthly - d.hsum(d.income_of(IncomeType.CASH_ASSISTANCE))
    params = ("nyc.cash_assistance_standard",)
    return (
        Decide(d.H)
        .when(d.has_cash_assistance, E, "already_enrolled", inputs=INCOME)
        .when(
            income < limit, L, "ca_within", value=income, limit=limit, inputs=INCOME, params=params
        )
        .otherwise(N, "ca_over", value=income, limit=limit, inputs=INCOME, params=params)
    )


def _housing_unknown(d: Derived) -> B1:
    return ~d.f.housing_known


@rule("S2R012", "star")
def star(d: Derived, p: Snapshot) -> RuleResult:
    limit = p.num("nyc.star_income_limit")
    return (
        Decide(d.H)
        .when(_housing_unknown(d), M, "housing_unknown", inputs=HOUSING)
        .when(~d.owner, N, "not_owner", inputs=HOUSING)
        .when(~d.head_on_deed, N, "not_on_deed", inputs=("livingOwnerOnDeed",))
        .income_test(d.income_yearly, limit, "year", params=("nyc.star_income_limit",))
    )


def _homeowner_exemption(d: Derived, p: Snapshot, who: B1) -> RuleResult:
    limit = p.num("nyc.sche_income_limit")
    return (
        Decide(d.H)
        .when(_housing_unknown(d), M, "housing_unknown", inputs=HOUSING)
        .when(~d.owner, N, "not_owner", inputs=HOUSING)
        .when(~d.hany(who), N, "no_eligible_member", inputs=("age", "disabled"))
        .when(~d.head_on_deed, N, "not_on_deed", inputs=("livingOwnerOnDeed",))
        .income_test(d.income_yearly, limit, "year", params=("nyc.sche_income_limit",))
    )


@rule("S2R014", "sche")
def sche(d: Derived, p: Snapshot) -> RuleResult:
    return _homeowner_exemption(d, p, d.age >= 65)


@rule("S2R017", "dhe")
def dhe(d: Derived, p: Snapshot) -> RuleResult:
    return _homeowner_exemption(d, p, d.is_disabled)


@rule("S2R018", "veterans_exemption")
def veterans_exemption(d: Derived, p: Snapshot) -> RuleResult:
    return (
        Decide(d.H)
        .when(_housing_unknown(d), M, "housing_unknown", inputs=HOUSING)
        .when(~d.owner, N, "not_owner", inputs=HOUSING)
        .when(~d.hany(d.pflag("veteran")), N, "no_eligible_member", inputs=("veteran",))
        .otherwise(L, "eligible_member", inputs=("veteran",))
    )


REGULATED = (
    RentalType.RENT_CONTROLLED,
    RentalType.RENT_REGULATED_HOTEL,
    RentalType.MITCHELL_LAMA,
    RentalType.LIMITED_DIVIDEND,
    RentalType.REDEVELOPMENT_COMPANY,
    RentalType.HDFC,
    RentalType.SECTION_213,
)


def _rent_freeze(d: Derived, p: Snapshot, head_ok: B1, head_reason: str) -> RuleResult:
    limit = p.num("nyc.scrie_income_limit")
    rent_share = d.rent > p.num("nyc.scrie_rent_share") * d.income_monthly
    params = ("nyc.scrie_income_limit",)
    return (
        Decide(d.H)
        .when(_housing_unknown(d), M, "housing_unknown", inputs=HOUSING)
        .when(~d.renting, N, "not_renting", inputs=HOUSING)
        .when(~head_ok, N, head_reason, inputs=("age", "disabled"))
        .when(~d.rental_is(*REGULATED), N, "rental_type_not_covered", inputs=("livingRentalType",))
        .when(~d.head_on_lease, N, "not_on_lease", inputs=("livingRentalOnLease",))
        .when(
            d.income_yearly > limit,
            N,
            "income_over_year",
            value=d.income_yearly,
            limit=limit,
            inputs=INCOME,
            params=params,
        )
        .when(
            ~rent_share,
            N,
            "rent_share_low",
            value=d.rent,
            inputs=("expenses",),
            params=("nyc.scrie_rent_share",),
        )
        .otherwise(
            L,
            "income_within_year",
            value=d.income_yearly,
            limit=limit,
            inputs=INCOME,
            params=params,
        )
    )


@rule("S2R015", "scrie")
def scrie(d: Derived, p: Snapshot) -> RuleResult:
    return _rent_freeze(d, p, d.head_age >= p.num("nyc.scrie_min_age"), "scrie_head_age")


@rule("S2R005", "drie")
def drie(d: Derived, p: Snapshot) -> RuleResult:
    head_disabled = d.hany(d.is_head & d.is_disabled & (d.age >= 18))
    return _rent_freeze(d, p, head_disabled, "drie_head_disabled")


@rule("S2R013", "section8")
def section8(d: Derived, p: Snapshot) -> RuleResult:
    limit = p.table("nyc.section8_income_limit")(d.size)
    return _income_test(
        d, _everyone(d), d.income_yearly, limit, ("nyc.section8_income_limit",), "year"
    )


@rule("S2R035", "public_housing")
def public_housing(d: Derived, p: Snapshot) -> RuleResult:
    limit = p.table("nyc.nycha_income_limit")(d.size)
    return _income_test(
        d, _everyone(d), d.income_yearly, limit, ("nyc.nycha_income_limit",), "year"
    )


@rule("S2R016", "prek", person_level=True)
def prek(d: Derived, p: Snapshot) -> RuleResult:
    return _members(d, (d.age >= 3) & (d.age <= 4))


@rule("S2R085", "three_k", person_level=True)
def three_k(d: Derived, p: Snapshot) -> RuleResult:
    return _members(d, (d.age >= 2) & (d.age <= 3))


def _heap_income(d: Derived, p: Snapshot) -> tuple[np.ndarray, B1]:
    limit = p.table("nyc.heap_income_limit")(d.size)
    categorical = d.has_cash_assistance | d.has_ssi
    return limit, (d.income_monthly <= limit) | categorical


@rule("S2R019", "heap")
def heap(d: Derived, p: Snapshot) -> RuleResult:
    limit, ok = _heap_income(d, p)
    params = ("nyc.heap_income_limit",)
    return (
        Decide(d.H)
        .when(d.hflag("living_shelter"), N, "heap_in_shelter", inputs=HOUSING)
        .when(d.has_cash_assistance | d.has_ssi, L, "categorical_benefit", inputs=INCOME)
        .when(
            ok,
            L,
            "income_within_month",
            value=d.income_monthly,
            limit=limit,
            inputs=INCOME,
            params=params,
        )
        .otherwise(
            N,
            "income_over_month",
            value=d.income_monthly,
            limit=limit,
            inputs=INCOME,
            params=params,
        )
    )


@rule("S2R033", "cooling_assistance")
def cooling_assistance(d: Derived, p: Snapshot) -> RuleResult:
    limit, ok = _heap_income(d, p)
    who = d.has_age(60, 200) | d.has_age(0, 5) | d.has_disabled
    params = ("nyc.heap_income_limit",)
    return (
        Decide(d.H)
        .when(d.hflag("living_shelter"), N, "heap_in_shelter", inputs=HOUSING)
        .when(~who, N, "cooling_no_member", inputs=("age", "disabled"))
        .when(
            ok,
            L,
            "income_within_month",
            value=d.income_monthly,
            limit=limit,
            inputs=INCOME,
            params=params,
        )
        .otherwise(
            N,
            "income_over_month",
            value=d.income_monthly,
            limit=limit,
            inputs=INCOME,
            params=params,
        )
    )


@rule("S2R021", "unemployment_insurance", person_level=True)
def unemployment_insurance(d: Derived, p: Snapshot) -> RuleResult:
    who = d.pflag("unemployed") & d.pflag("unemployed_worked_last_18_months")
    return _members(d, who, L)


@rule("S2R024", "nycha_rees", person_level=True)
def nycha_rees(d: Derived, p: Snapshot) -> RuleResult:
    nycha = d.rental_is(RentalType.NYCHA)
    adult = d.age >= 18
    return (
        Decide(d.H)
        .when(~nycha, N, "not_nycha", inputs=("livingRentalType",))
        .when(d.hany(adult), E, "eligible_member", inputs=("age",))
        .otherwise(
            N, "no_eligible_member", inputs=("age",), person_eligible=adult & d.to_person(nycha)
        )
    )


@rule("S2R054", "big_apple_connect")
def big_apple_connect(d: Derived, p: Snapshot) -> RuleResult:
    return (
        Decide(d.H)
        .when(d.rental_is(RentalType.NYCHA), E, "eligible_member", inputs=("livingRentalType",))
        .otherwise(N, "not_nycha", inputs=("livingRentalType",))
    )


@rule("S2R025", "older_adult_employment", person_level=True)
def older_adult_employment(d: Derived, p: Snapshot) -> RuleResult:
    limit = p.num("nyc.older_adult_employment_pct") * fpg(d, p)
    who = (d.age >= 55) & d.pflag("unemployed")
    return _income_test(
        d, who, d.income_yearly, limit, ("nyc.older_adult_employment_pct", "hhs.fpg"), "year"
    )


@rule("S2R026", "workforce1", person_level=True)
def workforce1(d: Derived, p: Snapshot) -> RuleResult:
    return _members(d, d.age >= 18)


@rule("S2R045", "financial_empowerment", person_level=True)
def financial_empowerment(d: Derived, p: Snapshot) -> RuleResult:
    return _members(d, d.age >= 18)


@rule("S2R028", "learn_earn", person_level=True)
def learn_earn(d: Derived, p: Snapshot) -> RuleResult:
    limit = p.num("nyc.youth_employment_pct") * fpg(d, p)
    who = (d.age >= 16) & (d.age <= 21) & d.pflag("student")
    return _income_test(
        d, who, d.income_yearly, limit, ("nyc.youth_employment_pct", "hhs.fpg"), "year"
    )


@rule("S2R036", "train_earn", person_level=True)
def train_earn(d: Derived, p: Snapshot) -> RuleResult:
    limit = p.num("nyc.youth_employment_pct") * fpg(d, p)
    who = (d.age >= 16) & (d.age <= 24) & ~d.pflag("student")
    return _income_test(
        d, who, d.income_yearly, limit, ("nyc.youth_employment_pct", "hhs.fpg"), "year"
    )


@rule("S2R030", "syep", person_level=True)
def syep(d: Derived, p: Snapshot) -> RuleResult:
    return _members(d, (d.age >= 14) & (d.age <= 24), L)


@rule("S2R032", "idnyc", person_level=True)
def idnyc(d: Derived, p: Snapshot) -> RuleResult:
    return _members(d, d.age >= 10)


@rule("S2R034", "fair_fares", person_level=True)
def fair_fares(d: Derived, p: Snapshot) -> RuleResult:
    limit = p.table("nyc.fair_fares_income_limit")(d.size)
    who = (d.age >= 18) & (d.age <= 64)
    return _income_test(d, who, d.income_yearly, limit, ("nyc.fair_fares_income_limit",), "year")


@rule("S2R040", "child_care_voucher", person_level=True)
def child_care_voucher(d: Derived, p: Snapshot) -> RuleResult:
    limit = p.table("nyc.child_care_voucher_limit")(d.size)
    working = (d.earned_monthly > 0) | d.has_cash_assistance
    who = (d.age < 13) & d.to_person(working)
    return _income_test(d, who, d.income_monthly, limit, ("nyc.child_care_voucher_limit",), "month")


@rule("S2R043", "lifeline")
def lifeline(d: Derived, p: Snapshot) -> RuleResult:
    limit = p.num("nyc.lifeline_pct") * fpg(d, p)
    categorical = d.has_ssi | d.has_medicaid | d.has_income(IncomeType.VETERAN)
    return _income_test(
        d,
        _everyone(d),
        d.income_yearly,
        limit,
        ("nyc.lifeline_pct", "hhs.fpg"),
        "year",
        categorical=categorical,
    )


@rule("S2R047", "ny_connects", person_level=True)
def ny_connects(d: Derived, p: Snapshot) -> RuleResult:
    return _members(d, (d.age >= 60) | d.is_disabled)


@rule("S2R053", "acp")
def acp(d: Derived, p: Snapshot) -> RuleResult:
    return (
        Decide(d.H)
        .when(p.num("nyc.acp_open") < 1, N, "program_closed", params=("nyc.acp_open",))
        .otherwise(L, "open_to_all")
    )


@rule("S2R055", "housing_connect")
def housing_connect(d: Derived, p: Snapshot) -> RuleResult:
    limit = p.table("nyc.housing_connect_income_limit")(d.size)
    assets = p.num("nyc.housing_connect_asset_limit")
    params = ("nyc.housing_connect_income_limit",)
    return (
        Decide(d.H)
        .when(~d.has_age(18, 200), N, "no_eligible_member", inputs=("age",))
        .when(
            d.f.cash_on_hand > assets,
            N,
            "cash_over",
            value=d.f.cash_on_hand,
            limit=assets,
            inputs=("cashOnHand",),
            params=("nyc.housing_connect_asset_limit",),
        )
        .when(
            d.income_yearly <= limit,
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


@rule("S2R059", "ferry_discount", person_level=True)
def ferry_discount(d: Derived, p: Snapshot) -> RuleResult:
    who = (d.age >= 65) | d.is_disabled | (d.pflag("student") & (d.age >= 14) & (d.age <= 18))
    return _members(d, who, L)


@rule("S2R061", "mta_reduced_fare", person_level=True)
def mta_reduced_fare(d: Derived, p: Snapshot) -> RuleResult:
    return _members(d, (d.age >= 65) | d.is_disabled, L)
