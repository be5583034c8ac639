"""Build a `HouseholdFrame` from validated API requests (the interactive and CSV paths)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from openhhs.screening.household import (
    EXPENSE_INDEX,
    EXPENSE_TYPES,
    HOUSEHOLD_FLAGS,
    INCOME_INDEX,
    INCOME_TYPES,
    MONTHLY_FACTOR,
    PERSON_FLAGS,
    RELATION_INDEX,
    RENTAL_INDEX,
    HouseholdFrame,
)
from openhhs.screening.schemas import ScreeningItem

_PERSON_FIELD = {
    "student": "student",
    "student_fulltime": "studentFulltime",
    "pregnant": "pregnant",
    "unemployed": "unemployed",
    "unemployed_worked_last_18_months": "unemployedWorkedLast18Months",
    "blind": "blind",
    "disabled": "disabled",
    "veteran": "veteran",
    "benefits_medicaid": "benefitsMedicaid",
    "benefits_medicaid_disability": "benefitsMedicaidDisability",
    "living_owner_on_deed": "livingOwnerOnDeed",
    "living_rental_on_lease": "livingRentalOnLease",
}
_HOUSEHOLD_FIELD = {
    "living_renting": "livingRenting",
    "living_owner": "livingOwner",
    "living_staying_with_friend": "livingStayingWithFriend",
    "living_hotel": "livingHotel",
    "living_shelter": "livingShelter",
    "living_prefer_not_to_say": "livingPreferNotToSay",
}


def frame_from_items(items: Sequence[ScreeningItem]) -> HouseholdFrame:
    """One row per household in `items` (each item holds one household)."""
    n_h = len(items)
    n_p = sum(len(it.person) for it in items)
    cash = np.zeros(n_h)
    hflags = {f: np.zeros(n_h, dtype=bool) for f in HOUSEHOLD_FLAGS}
    known = np.zeros(n_h, dtype=bool)
    rental = np.full(n_h, -1, dtype=np.int64)
    hh = np.zeros(n_p, dtype=np.int64)
    age = np.zeros(n_p, dtype=np.int64)
    rel = np.zeros(n_p, dtype=np.int64)
    pflags = {f: np.zeros(n_p, dtype=bool) for f in PERSON_FLAGS}
    income = np.zeros((n_p, len(INCOME_TYPES)))
    expense = np.zeros((n_p, len(EXPENSE_TYPES)))
    ids: list[str] = []
    p = 0
    for h, item in enumerate(items):
        house = item.household[0]
        ids.append(house.caseId or "")
        cash[h] = float(house.cashOnHand)
        for col, name in _HOUSEHOLD_FIELD.items():
            val = getattr(house, name)
            hflags[col][h] = bool(val)
            known[h] |= val is not None
        if house.livingRentalType:
            rental[h] = RENTAL_INDEX[house.livingRentalType]
        first = p
        for person in item.person:
            hh[p] = h
            age[p] = person.age
            rel[p] = RELATION_INDEX[person.householdMemberType] if person.householdMemberType else 0
            for col, name in _PERSON_FIELD.items():
                pflags[col][p] = bool(getattr(person, name))
            for inc in person.incomes:
                income[p, INCOME_INDEX[inc.type]] += (
                    float(inc.amount) * MONTHLY_FACTOR[inc.frequency]
                )
            for exp in person.expenses:
                expense[p, EXPENSE_INDEX[exp.type]] += (
                    float(exp.amount) * MONTHLY_FACTOR[exp.frequency]
                )
            p += 1
        # household-level expenses are booked on the first person
        for exp in house.expenses:
            expense[first, EXPENSE_INDEX[exp.type]] += (
                float(exp.amount) * MONTHLY_FACTOR[exp.frequency]
            )
    return HouseholdFrame(
        n_households=n_h,
        cash_on_hand=cash,
        household_flags=hflags,
        housing_known=known,
        rental_type=rental,
        hh=hh,
        age=age,
        relation=rel,
        person_flags=pflags,
        income=income,
        expense=expense,
        ids=ids,
    )
