"""One code path: screening households together gives exactly what screening each alone gives."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

from openhhs.screening import explain, frame_from_items, parse_request, screen_frame

DAY = dt.date(2026, 3, 1)
ROLES = ["Spouse", "Child", "Child", "Parent", "SisterBrother", "Unrelated"]
INCOME = ["Wages", "SSI", "SSRetirement", "Unemployment", "CashAssistance", "ChildSupport"]
EXPENSE = ["Rent", "ChildCare", "Medical", "Heating", "Utilities", "ChildSupport"]
RENTAL = ["MarketRate", "NYCHA", "RentControlled", "MitchellLama"]


def _body(rng: random.Random) -> list:
    people = []
    for j in range(rng.randint(1, 8)):
        p = {
            "age": rng.randint(0, 95) if j else rng.randint(18, 95),
            "householdMemberType": "HeadOfHousehold" if j == 0 else rng.choice(ROLES),
            "pregnant": rng.random() < 0.05,
            "disabled": rng.random() < 0.08,
            "student": rng.random() < 0.2,
            "benefitsMedicaid": rng.random() < 0.2,
            "incomes": [
                {
                    "amount": round(rng.uniform(0, 4000), 2),
                    "type": rng.choice(INCOME),
                    "frequency": rng.choice(["Weekly", "Monthly", "Yearly"]),
                }
                for _ in range(rng.randint(0, 2))
            ],
            "expenses": [
                {
                    "amount": round(rng.uniform(0, 2500), 2),
                    "type": rng.choice(EXPENSE),
                    "frequency": "Monthly",
                }
                for _ in range(rng.randint(0, 2))
            ],
        }
        people.append(p)
    house: dict = {"cashOnHand": rng.randint(0, 5000)}
    kind = rng.choice(["rent", "own", "shelter", "unknown"])
    if kind == "rent":
        house |= {"livingRenting": True, "livingRentalType": rng.choice(RENTAL)}
        people[0]["livingRentalOnLease"] = rng.random() < 0.7
    elif kind == "own":
        house["livingOwner"] = True
        people[0]["livingOwnerOnDeed"] = True
    elif kind == "shelter":
        house["livingShelter"] = True
    return [{"household": [house], "person": people}]


def test_batch_equals_one_by_one() -> None:
    rng = random.Random(11)
    items = [parse_request(_body(rng))[0] for _ in range(80)]
    together = screen_frame(frame_from_items(items), DAY)
    for h, item in enumerate(items):
        alone = screen_frame(frame_from_items([item]), DAY)
        for key, res in together.results.items():
            one = alone.results[key]
            assert res.status[h] == one.status[0], (key, h)
            assert res.reason[h] == one.reason[0], (key, h)
            np.testing.assert_allclose(res.amount[h], one.amount[0], equal_nan=True)
            np.testing.assert_allclose(res.value[h], one.value[0], equal_nan=True)
            np.testing.assert_allclose(res.limit[h], one.limit[0], equal_nan=True)
        batch_text = [r.reasons for r in explain(together, h)]
        alone_text = [r.reasons for r in explain(alone, 0)]
        assert batch_text == alone_text


def test_every_branch_of_every_rule_has_both_templates() -> None:
    from openhhs.screening.reasons import template

    rng = random.Random(5)
    items = [parse_request(_body(rng))[0] for _ in range(40)]
    result = screen_frame(frame_from_items(items), DAY)
    seen = 0
    for key, res in result.results.items():
        for branch in res.branches:
            for lang in ("en", "es"):
                assert template(lang, key, branch.reason)
                seen += 1
    assert seen > 300
