"""Health, nutrition, tax and NYC programs at and around their official limits."""

from __future__ import annotations

import pytest

from screening.helpers import FY26, D, body, expense, head, income, person, results, wages


def _adult(yearly: float, age: int = 30, **kw) -> list:
    return body(head(age, incomes=[wages(yearly, "Yearly")], **kw))


@pytest.mark.parametrize(("yearly", "status"), [(22025, "likely"), (22026, "not_eligible")])
def test_medicaid_adult_138_percent_2026(yearly: float, status: str) -> None:
    assert results(_adult(yearly))["medicaid"].status == status


@pytest.mark.parametrize(
    ("day", "yearly", "status"),
    [
        (D(2026, 6, 30), 39900, "likely"),
        (D(2026, 6, 30), 39901, "not_eligible"),
        (D(2026, 7, 1), 31920, "likely"),
        (D(2026, 7, 1), 31921, "not_eligible"),
        (D(2026, 6, 30), 22025, "not_eligible"),  # Medicaid instead
    ],
)
def test_essential_plan_250_then_200_percent(day, yearly: float, status: str) -> None:
    ep = results(_adult(yearly), day)["essential_plan"]
    assert ep.status == status, ep.reasons


def test_essential_plan_reason_names_medicaid_when_income_is_low() -> None:
    ep = results(_adult(20000))["essential_plan"]
    assert "Medicaid" in ep.reasons[0]


@pytest.mark.parametrize(("yearly", "status"), [(48258, "likely"), (48259, "not_eligible")])
def test_pregnant_223_percent_counts_the_unborn_child(yearly: float, status: str) -> None:
    b = _adult(yearly, pregnant=True)
    assert results(b)["medicaid_pregnant"].status == status


def test_child_medicaid_154_percent_then_child_health_plus() -> None:
    # parent + child: 154% of 21,640 = 33,326 (rounded up as NY publishes)
    within = body(head(30, incomes=[wages(33326, "Yearly")]), person(8))
    above = body(head(30, incomes=[wages(33327, "Yearly")]), person(8))
    r_in, r_out = results(within), results(above)
    assert r_in["medicaid"].status == "likely"
    assert "aged 1 to 18" in r_in["medicaid"].reasons[0]
    assert r_in["child_health_plus"].status == "not_eligible"
    assert r_out["child_health_plus"].status == "likely"
    assert "free" in r_out["child_health_plus"].reasons[0]
    rich = body(head(30, incomes=[wages(200000, "Yearly")]), person(8))
    assert "full premium" in results(rich)["child_health_plus"].reasons[0]


@pytest.mark.parametrize(("yearly", "status"), [(39128, "likely"), (39129, "not_eligible")])
def test_wic_185_percent_2025_26(yearly: float, status: str) -> None:
    # a 4-year-old: above Medicaid's 154% for children, so only the WIC income test decides
    b = body(head(25, incomes=[wages(yearly, "Yearly")]), person(4))
    wic = results(b)["wic"]
    assert wic.status == status
    if status == "likely":
        assert wic.eligible_people == [1]


def test_wic_infant_through_medicaid_eligibility() -> None:
    # 3 people with 60,000: above WIC's 185% (49,303) but within infant Medicaid's 223% (60,924)
    b = body(head(25, incomes=[wages(60000, "Yearly")]), person(30, "Spouse"), person(0))
    wic = results(b)["wic"]
    assert wic.status == "likely" and "qualifies for it" in wic.reasons[0]


def test_wic_adjunctive_through_medicaid() -> None:
    b = body(head(25, incomes=[wages(90000, "Yearly")]), person(1, benefitsMedicaid=True))
    assert results(b)["wic"].status == "likely"


@pytest.mark.parametrize(("yearly", "status"), [(23475, "likely"), (23476, "not_eligible")])
def test_fair_fares_150_percent(yearly: float, status: str) -> None:
    assert results(_adult(yearly))["fair_fares"].status == status


def test_fair_fares_is_for_18_to_64() -> None:
    assert results(_adult(1000, age=65))["fair_fares"].status == "not_eligible"


@pytest.mark.parametrize(("monthly", "status"), [(3473, "likely"), (3474, "not_eligible")])
def test_heap_2025_26_limit(monthly: float, status: str) -> None:
    b = body(head(40, incomes=[income(monthly, "Pension")]), livingRenting=True)
    assert results(b, D(2026, 1, 15))["heap"].status == status


def test_heap_before_its_table_is_not_guessed() -> None:
    heap = results(_adult(1000), D(2025, 3, 1))["heap"]
    assert heap.status == "need_more_info"
    assert "not loaded" in heap.reasons[0]


def _scrie(**house) -> list:
    tenant = head(
        66,
        incomes=[income(2500, "SSRetirement")],
        expenses=[expense(1000, "Rent")],
        livingRentalOnLease=house.pop("lease", True),
    )
    return body(tenant, **house)


def test_scrie_rules() -> None:
    ok = _scrie(livingRenting=True, livingRentalType="RentControlled")
    assert results(ok)["scrie"].status == "likely"
    market = _scrie(livingRenting=True, livingRentalType="MarketRate")
    assert "rent-regulated" in results(market)["scrie"].reasons[0]
    no_lease = _scrie(livingRenting=True, livingRentalType="RentControlled", lease=False)
    assert results(no_lease)["scrie"].status == "not_eligible"
    unknown = _scrie(lease=False)
    assert results(unknown)["scrie"].status == "need_more_info"
    assert "livingRenting" in results(unknown)["scrie"].inputs_that_change


def test_eitc_one_child_2026_hand_computed() -> None:
    # phase-in 34% of 20,000 = 6,800 > maximum 0.34 x 13,020 = 4,427; below the 23,890 phase-out
    b = body(head(30, incomes=[wages(20000, "Yearly")]), person(5))
    r = results(b)
    assert r["eitc"].amount == 4427
    assert r["ny_eitc"].amount == round(0.3 * 4427)
    # 30,000: 4,427 - 15.98% x (30,000 - 23,890) = 3,450.6
    b = body(head(30, incomes=[wages(30000, "Yearly")]), person(5))
    assert results(b)["eitc"].amount == 3451


def test_eitc_childless_age_window() -> None:
    assert results(_adult(8000, age=24))["eitc"].status == "not_eligible"
    assert results(_adult(8000, age=25))["eitc"].amount == 612  # 7.65% of 8,000


def test_ctc_refundable_and_nonrefundable_parts() -> None:
    # 10,000 wages: no tax owed; refundable = 15% x (10,000 - 2,500) = 1,125
    low = body(head(30, incomes=[wages(10000, "Yearly")]), person(5))
    assert results(low)["ctc"].amount == 1125
    # 30,000 as head of household: tax 585 + refundable 1,615 = full 2,200
    mid = body(head(30, incomes=[wages(30000, "Yearly")]), person(5))
    assert results(mid)["ctc"].amount == 2200
    none = body(head(30), person(5))
    assert results(none)["ctc"].status == "not_eligible"
    assert results(body(head(30, incomes=[wages(30000, "Yearly")])))["ctc"].status == (
        "not_eligible"
    )


def test_empire_state_child_credit_2026() -> None:
    b = body(head(30, incomes=[wages(30000, "Yearly")]), person(2), person(8))
    assert results(b)["escc"].amount == 1500
    assert results(b, D(2025, 6, 1))["escc"].amount == 1330


def test_every_program_has_english_and_spanish_reasons() -> None:
    bodies = [
        body(head(30)),
        body(head(70, incomes=[income(900, "SSI")]), livingOwner=True),
        body(head(30, incomes=[wages(200000, "Yearly")], pregnant=True), person(2), person(10)),
    ]
    for b in bodies:
        en, es = results(b, FY26, "en"), results(b, FY26, "es")
        assert en.keys() == es.keys()
        assert len(en) >= 55
        for key in en:
            assert en[key].reasons[0] and es[key].reasons[0]
            assert "{" not in en[key].reasons[0] and "{" not in es[key].reasons[0]
