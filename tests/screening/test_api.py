"""The NYC-compatible endpoint: SUCCESS shape, and every kind of bad input answered as FAILURE
(400, never 500), plus the bulk CSV route."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from openhhs.screening.api import router
from openhhs.screening.bulk import export_csv
from screening.helpers import body, expense, head, person, wages

URL = "/api/v1/screening/eligibilityPrograms"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = FastAPI()
    app.include_router(router, prefix="/api/v1")
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_success_shape(client: TestClient) -> None:
    b = body(
        head(30, incomes=[wages(1500)], expenses=[expense(1400, "Rent")]),
        person(2),
        livingRenting=True,
        livingRentalType="MarketRate",
    )
    r = client.post(URL + "?asOf=2026-03-01", json=b)
    assert r.status_code == 200
    data = r.json()
    assert data["type"] == "SUCCESS"
    codes = {p["code"] for p in data["eligiblePrograms"]}
    assert {"S2R007", "S2R022", "S2R085"} <= codes
    assert all(set(p) == {"code", "name"} for p in data["eligiblePrograms"])
    extra = {p["key"]: p for p in data["openhhs"]["programs"]}
    assert extra["snap"]["estimatedAmount"] == 471
    assert extra["snap"]["citations"][0].startswith("https://")
    assert extra["snap"]["documentsNeeded"]
    assert data["openhhs"]["asOf"] == "2026-03-01"


def test_spanish(client: TestClient) -> None:
    r = client.post(URL + "?asOf=2026-03-01&lang=es", json=body(head(30)))
    snap = next(p for p in r.json()["openhhs"]["programs"] if p["key"] == "snap")
    assert "hogar" in snap["reasons"][0]


BAD = {
    "zero persons": ([{"household": [{}], "person": []}], "array.min", "[0].person"),
    "nine persons": (body(head(30), *[person(5)] * 8), "array.max", "[0].person"),
    "no head": (body(person(30, "Spouse")), "array.includesOne", "[0].person"),
    "two heads": (body(head(30), head(31)), "array.includesOne", "[0].person"),
    "negative amount": (
        body(head(30, incomes=[wages(-5)])),
        "number.min",
        "[0].person[0].incomes[0].amount",
    ),
    "absurd amount": (
        body(head(30, incomes=[wages(1e12)])),
        "number.max",
        "[0].person[0].incomes[0].amount",
    ),
    "three decimals": (
        body(head(30, incomes=[wages(10.123)])),
        "number.precision",
        "[0].person[0].incomes[0].amount",
    ),
    "unknown income type": (
        body(head(30, incomes=[{"amount": 5, "type": "Lottery", "frequency": "Monthly"}])),
        "any.only",
        "[0].person[0].incomes[0].type",
    ),
    "unknown member type": (
        body(person(30, "Boss")),
        "any.only",
        "[0].person[0].householdMemberType",
    ),
    "age out of range": (body(head(151)), "number.max", "[0].person[0].age"),
    "age missing": (
        [{"household": [{}], "person": [{"householdMemberType": "HeadOfHousehold"}]}],
        "any.required",
        "[0].person[0].age",
    ),
    "rental type without renting": (
        body(head(30), livingRentalType="NYCHA"),
        "any.unknown",
        "[0].household[0].livingRentalType",
    ),
    "prefer not to say with a flag": (
        body(head(30), livingPreferNotToSay=True, livingOwner=True),
        "object.oxor",
        "[0].household[0].livingPreferNotToSay",
    ),
    "two households": (
        [{"household": [{}, {}], "person": [head(30)]}],
        "array.max",
        "[0].household",
    ),
    "negative cash": (body(head(30), cashOnHand=-1), "number.min", "[0].household[0].cashOnHand"),
    "bad case id": (body(head(30), caseId="a b"), "string.pattern.base", "[0].household[0].caseId"),
    "unknown field": (
        body(head(30, favouriteColour="red")),
        "object.unknown",
        "[0].person[0].favouriteColour",
    ),
    "not an array": ({"household": [{}]}, "array.base", ""),
    "empty array": ([], "array.length", ""),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_a_failure_not_a_500(client: TestClient, case: str) -> None:
    payload, code, path = BAD[case]
    r = client.post(URL, json=payload)
    assert r.status_code == 400, r.text
    data = r.json()
    assert data["type"] == "FAILURE"
    assert any(e["code"] == code and e["elementPath"] == path for e in data["errors"]), data
    for e in data["errors"]:
        assert set(e) == {"message", "code", "elementPath"} and e["message"]


def test_date_without_parameters(client: TestClient) -> None:
    r = client.post(URL + "?asOf=2019-05-01", json=body(head(30)))
    assert r.status_code == 400
    err = r.json()["errors"][0]
    assert err["code"] == "date.noParameters" and "2019-05-01" in err["message"]
    r = client.post(URL + "?asOf=yesterday", json=body(head(30)))
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "date.base"


def test_not_json(client: TestClient) -> None:
    r = client.post(URL, content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["type"] == "FAILURE"
    r = client.post(URL, content=b"<xml/>", headers={"content-type": "application/xml"})
    assert r.status_code == 415 and r.json()["errors"][0]["code"] == "unsupportedContentType"


def test_bulk_csv_round_trip(client: TestClient) -> None:
    good = body(head(30, incomes=[wages(1500)]), person(3), caseId="A-1")
    bad = body(person(30, "Spouse"), caseId="B-2")
    csv_text = export_csv([good, bad])
    r = client.post(
        "/api/v1/screening/bulkSubmission/import?asOf=2026-03-01",
        files={"file": ("households.csv", csv_text, "text/csv")},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.strip().splitlines()
    assert lines[0].startswith("caseId,type,eligiblePrograms,errors,S2R")
    assert lines[1].startswith("A-1,SUCCESS,") and "S2R007" in lines[1]
    assert lines[2].startswith("B-2,FAILURE,,") and "HeadOfHousehold" in lines[2]


def test_programs_catalogue(client: TestClient) -> None:
    r = client.get("/api/v1/screening/programs?lang=es")
    assert r.status_code == 200
    codes = {p["code"] for p in r.json()}
    assert len([c for c in codes if c.startswith("S2R")]) >= 50
    assert {"S2R007", "S2R022", "S2R034", "S2R058", "S2R085"} <= codes
