"""Households as columns: one frame holds one household or a million, and every rule reads it.

A `HouseholdFrame` keeps household-level arrays (length H) and person-level arrays (length P) with
`hh`, the index of each person's household. Incomes and expenses are converted to monthly amounts
per person and type when the frame is built, so rules only sum columns. `Derived` adds the
aggregates the ACCESS NYC rules name (household size, monthly income, has a child under 6...),
each computed once, on first use, with `np.bincount`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from openhhs.model.codes import (
    ExpenseType,
    Frequency,
    HouseholdRelationship,
    IncomeType,
    RentalType,
)

F8 = npt.NDArray[np.float64]
B1 = npt.NDArray[np.bool_]
I8 = npt.NDArray[np.int64]

INCOME_TYPES: tuple[IncomeType, ...] = tuple(IncomeType)
EXPENSE_TYPES: tuple[ExpenseType, ...] = tuple(ExpenseType)
RELATIONS: tuple[HouseholdRelationship, ...] = tuple(HouseholdRelationship)
RENTAL_TYPES: tuple[RentalType, ...] = tuple(RentalType)
INCOME_INDEX = {t: i for i, t in enumerate(INCOME_TYPES)}
EXPENSE_INDEX = {t: i for i, t in enumerate(EXPENSE_TYPES)}
RELATION_INDEX = {t: i for i, t in enumerate(RELATIONS)}
RENTAL_INDEX = {t: i for i, t in enumerate(RENTAL_TYPES)}

# Monthly equivalents (ACCESS NYC: weekly x 52/12, biweekly x 26/12, semimonthly x 2).
MONTHLY_FACTOR: dict[Frequency, float] = {
    Frequency.WEEKLY: 52 / 12,
    Frequency.BIWEEKLY: 26 / 12,
    Frequency.SEMIMONTHLY: 2.0,
    Frequency.MONTHLY: 1.0,
    Frequency.YEARLY: 1 / 12,
}

PERSON_FLAGS = (
    "student",
    "student_fulltime",
    "pregnant",
    "unemployed",
    "unemployed_worked_last_18_months",
    "blind",
    "disabled",
    "veteran",
    "benefits_medicaid",
    "benefits_medicaid_disability",
    "living_owner_on_deed",
    "living_rental_on_lease",
)
HOUSEHOLD_FLAGS = (
    "living_renting",
    "living_owner",
    "living_staying_with_friend",
    "living_hotel",
    "living_shelter",
    "living_prefer_not_to_say",
)
EARNED = (IncomeType.WAGES, IncomeType.SELF_EMPLOYMENT)
CHILD_RELATIONS = (
    HouseholdRelationship.CHILD,
    HouseholdRelationship.FOSTER_CHILD,
    HouseholdRelationship.STEP_CHILD,
    HouseholdRelationship.GRANDCHILD,
)
PARTNER_RELATIONS = (HouseholdRelationship.SPOUSE, HouseholdRelationship.DOMESTIC_PARTNER)


@dataclass
class HouseholdFrame:
    """Columns for H households and P persons; `hh[p]` is person p's household (0..H-1)."""

    n_households: int
    cash_on_hand: F8
    household_flags: dict[str, B1]
    housing_known: B1  # any living flag was answered
    rental_type: I8  # index into RENTAL_TYPES, -1 when not given
    hh: I8
    age: I8
    relation: I8  # index into RELATIONS
    person_flags: dict[str, B1]
    income: F8  # P x len(INCOME_TYPES), monthly
    expense: F8  # P x len(EXPENSE_TYPES), monthly
    ids: list[str] = field(default_factory=list)  # optional caller ids (caseId), length H

    @property
    def n_persons(self) -> int:
        return int(self.hh.shape[0])

    def validate_shapes(self) -> None:
        h, p = self.n_households, self.n_persons
        assert self.cash_on_hand.shape == (h,)
        assert self.income.shape == (p, len(INCOME_TYPES))
        assert self.expense.shape == (p, len(EXPENSE_TYPES))
        for arr in (*self.person_flags.values(), self.age, self.relation):
            assert arr.shape == (p,)


class Derived:
    """Household aggregates used by the rules, computed lazily and cached."""

    def __init__(self, frame: HouseholdFrame) -> None:
        self.f = frame
        self.H = frame.n_households
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Any) -> Any:
        """Compute a shared intermediate once per frame (SNAP amounts used by two rules...)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # -- helpers -------------------------------------------------------------------------------
    def hsum(self, values: npt.ArrayLike) -> F8:
        """Sum a person-level array per household."""
        w = np.asarray(values, dtype=np.float64)
        out: F8 = np.bincount(self.f.hh, weights=w, minlength=self.H).astype(np.float64)
        return out

    def hany(self, mask: B1) -> B1:
        return self.hsum(mask) > 0

    def hcount(self, mask: B1) -> F8:
        return self.hsum(mask)

    def pflag(self, name: str) -> B1:
        return self.f.person_flags[name]

    def hflag(self, name: str) -> B1:
        return self.f.household_flags[name]

    def to_person(self, values: Any) -> Any:
        """Broadcast a household-level array to persons."""
        return values[self.f.hh]

    def income_of(self, *types: IncomeType) -> F8:
        """Person-level monthly income of the given types."""
        cols = [INCOME_INDEX[t] for t in types]
        return self.f.income[:, cols].sum(axis=1)

    def expense_of(self, *types: ExpenseType) -> F8:
        """Household-level monthly expense of the given types."""
        cols = [EXPENSE_INDEX[t] for t in types]
        return self.hsum(self.f.expense[:, cols].sum(axis=1))

    def has_income(self, *types: IncomeType) -> B1:
        return self.hany(self.income_of(*types) > 0)

    # -- people --------------------------------------------------------------------------------
    @cached_property
    def age(self) -> I8:
        return self.f.age

    @cached_property
    def is_head(self) -> B1:
        return self.f.relation == RELATION_INDEX[HouseholdRelationship.HEAD]

    @cached_property
    def is_partner(self) -> B1:
        return np.isin(self.f.relation, [RELATION_INDEX[r] for r in PARTNER_RELATIONS])

    @cached_property
    def is_child_relation(self) -> B1:
        return np.isin(self.f.relation, [RELATION_INDEX[r] for r in CHILD_RELATIONS])

    @cached_property
    def size(self) -> I8:
        return np.bincount(self.f.hh, minlength=self.H).astype(np.int64)

    @cached_property
    def members_plus_pregnant(self) -> I8:
        """Household size counting each pregnant member's unborn child (WIC, Medicaid)."""
        return self.size + self.hcount(self.pflag("pregnant")).astype(np.int64)

    @cached_property
    def head_age(self) -> I8:
        out = np.full(self.H, -1, dtype=np.int64)
        out[self.f.hh[self.is_head]] = self.age[self.is_head]
        return out

    @cached_property
    def is_disabled(self) -> B1:
        """Person is disabled or blind, or gets disability-based benefits."""
        disability_income = self.income_of(
            IncomeType.SSI,
            IncomeType.SS_DISABILITY,
            IncomeType.DISABILITY_MEDICAID,
            IncomeType.NYS_DISABILITY,
        )
        return (
            self.pflag("disabled")
            | self.pflag("blind")
            | self.pflag("benefits_medicaid_disability")
            | (disability_income > 0)
        )

    @cached_property
    def usda_disabled(self) -> B1:
        """Disabled as SNAP defines it (7 CFR 271.2): receives disability-based benefits."""
        benefits = self.income_of(
            IncomeType.SSI,
            IncomeType.SS_DISABILITY,
            IncomeType.DISABILITY_MEDICAID,
            IncomeType.NYS_DISABILITY,
        )
        return (benefits > 0) | self.pflag("benefits_medicaid_disability")

    @cached_property
    def social_security(self) -> F8:
        """Person-level monthly Social Security (retirement, disability, survivor, dependent)."""
        return self.income_of(
            IncomeType.SS_RETIREMENT,
            IncomeType.SS_DISABILITY,
            IncomeType.SS_SURVIVOR,
            IncomeType.SS_DEPENDENT,
        )

    @cached_property
    def has_disabled(self) -> B1:
        return self.hany(self.is_disabled)

    def has_age(self, lo: int, hi: int) -> B1:
        """Household has a member aged lo..hi inclusive."""
        return self.hany((self.age >= lo) & (self.age <= hi))

    def count_age(self, lo: int, hi: int) -> F8:
        return self.hcount((self.age >= lo) & (self.age <= hi))

    @cached_property
    def has_pregnant(self) -> B1:
        return self.hany(self.pflag("pregnant"))

    # -- income --------------------------------------------------------------------------------
    @cached_property
    def person_income(self) -> F8:
        return self.f.income.sum(axis=1)

    @cached_property
    def person_earned(self) -> F8:
        return self.income_of(*EARNED)

    @cached_property
    def earned_monthly(self) -> F8:
        return self.hsum(self.person_earned)

    @cached_property
    def income_monthly(self) -> F8:
        """Gross monthly household income, all types (ACCESS NYC IncomeHouseholdTotalMonthly)."""
        return self.hsum(self.person_income)

    @cached_property
    def income_yearly(self) -> F8:
        return self.income_monthly * 12

    @cached_property
    def unearned_monthly(self) -> F8:
        return self.income_monthly - self.earned_monthly

    @cached_property
    def child_support_paid(self) -> F8:
        return self.expense_of(ExpenseType.CHILD_SUPPORT)

    @cached_property
    def magi_monthly(self) -> F8:
        """MAGI-like income: gross minus child support received, gifts, SSI (42 CFR 435.603)."""
        excluded = self.hsum(
            self.income_of(
                IncomeType.CHILD_SUPPORT,
                IncomeType.GIFTS,
                IncomeType.SSI,
                IncomeType.CASH_ASSISTANCE,
                IncomeType.VETERAN,
                IncomeType.WORKERS_COMP,
            )
        )
        return np.maximum(self.income_monthly - excluded, 0.0)

    @cached_property
    def magi_yearly(self) -> F8:
        return self.magi_monthly * 12

    @cached_property
    def investment_yearly(self) -> F8:
        return self.hsum(self.income_of(IncomeType.INVESTMENT, IncomeType.RENTAL)) * 12

    @cached_property
    def has_cash_assistance(self) -> B1:
        return self.has_income(IncomeType.CASH_ASSISTANCE)

    @cached_property
    def has_ssi(self) -> B1:
        return self.has_income(IncomeType.SSI)

    @cached_property
    def all_ssi_or_ca(self) -> B1:
        """Every member receives SSI or Cash Assistance (SNAP categorical eligibility)."""
        gets = self.income_of(IncomeType.SSI, IncomeType.CASH_ASSISTANCE) > 0
        return self.hcount(gets) == self.size

    @cached_property
    def has_medicaid(self) -> B1:
        return self.hany(
            self.pflag("benefits_medicaid") | self.pflag("benefits_medicaid_disability")
        )

    # -- expenses and housing ------------------------------------------------------------------
    @cached_property
    def dependent_care(self) -> F8:
        return self.expense_of(ExpenseType.CHILD_CARE, ExpenseType.DEPENDENT_CARE)

    @cached_property
    def rent(self) -> F8:
        return self.expense_of(ExpenseType.RENT)

    @cached_property
    def shelter_costs(self) -> F8:
        return self.expense_of(ExpenseType.RENT, ExpenseType.MORTGAGE)

    @cached_property
    def pays_heat_or_utilities(self) -> B1:
        return self.expense_of(ExpenseType.HEATING, ExpenseType.COOLING, ExpenseType.UTILITIES) > 0

    @cached_property
    def medical(self) -> F8:
        return self.expense_of(ExpenseType.MEDICAL, ExpenseType.INSURANCE_PREMIUMS)

    @cached_property
    def renting(self) -> B1:
        return self.hflag("living_renting")

    @cached_property
    def owner(self) -> B1:
        return self.hflag("living_owner")

    @cached_property
    def homeless(self) -> B1:
        return self.hflag("living_shelter") | self.hflag("living_staying_with_friend")

    def rental_is(self, *types: RentalType) -> B1:
        return np.isin(self.f.rental_type, [RENTAL_INDEX[t] for t in types])

    @cached_property
    def head_on_lease(self) -> B1:
        return self.hany(self.is_head & self.pflag("living_rental_on_lease"))

    @cached_property
    def head_on_deed(self) -> B1:
        return self.hany(self.pflag("living_owner_on_deed"))

    # -- tax unit (head, partner, dependants) --------------------------------------------------
    @cached_property
    def joint(self) -> B1:
        """Head files jointly when a spouse lives in the household."""
        spouse = self.f.relation == RELATION_INDEX[HouseholdRelationship.SPOUSE]
        return self.hany(spouse)

    @cached_property
    def filer_earned_yearly(self) -> F8:
        spouse = self.f.relation == RELATION_INDEX[HouseholdRelationship.SPOUSE]
        return self.hsum(np.where(self.is_head | spouse, self.person_earned, 0.0)) * 12

    @cached_property
    def filer_agi_yearly(self) -> F8:
        """Adjusted gross income of the head (and spouse): taxable income types only."""
        spouse = self.f.relation == RELATION_INDEX[HouseholdRelationship.SPOUSE]
        non_taxable = self.income_of(
            IncomeType.SSI,
            IncomeType.CASH_ASSISTANCE,
            IncomeType.CHILD_SUPPORT,
            IncomeType.GIFTS,
            IncomeType.VETERAN,
            IncomeType.WORKERS_COMP,
            IncomeType.SS_RETIREMENT,
            IncomeType.SS_DISABILITY,
            IncomeType.SS_SURVIVOR,
            IncomeType.SS_DEPENDENT,
        )
        taxable = self.person_income - non_taxable
        return self.hsum(np.where(self.is_head | spouse, taxable, 0.0)) * 12

    @cached_property
    def qualifying_child(self) -> B1:
        """Person-level EITC qualifying child: under 19, student under 24, or disabled."""
        young = (self.age < 19) | (self.pflag("student") & (self.age < 24)) | self.is_disabled
        return self.is_child_relation & young

    @cached_property
    def n_qualifying_children(self) -> I8:
        out: I8 = self.hcount(self.qualifying_child).astype(np.int64)
        return out
