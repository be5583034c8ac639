"""The screener pages without a browser: steps, no-JS fallbacks, errors shown, nothing stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect

from openhhs.db import make_engine
from openhhs.screening.pages import form_to_body
from openhhs.web import create_app


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with TestClient(create_app(engine=engine)) as c:
        c.engine = engine  # type: ignore[attr-defined]
        yield c


def test_steps_and_results_without_javascript(client: TestClient) -> None:
    r = client.get("/screener")
    assert r.status_code == 200 and 'name="size"' in r.text and "<html" in r.text
    r = client.get("/screener?step=2&size=3&housing=renting")
    assert all(f'id="age_{i}"' in r.text for i in range(3)) and 'id="age_3"' not in r.text
    r = client.post(
        "/screener/results",
        data={
            "size": "2",
            "housing": "renting",
            "age_0": "30",
            "age_1": "2",
            "rel_1": "Child",
            "wages": "1500",
            "rent": "1400",
        },
    )
    assert r.status_code == 200
    assert "Estimated benefit: $471 a month." in r.text
    assert 'data-code="S2R022"' in r.text
    assert "set-cookie" not in r.headers  # anonymous: no session is started


def test_htmx_gets_a_fragment(client: TestClient) -> None:
    r = client.get("/screener?step=2&size=1", headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<html" not in r.text and 'id="screener"' in r.text


def test_bad_answers_come_back_with_errors(client: TestClient) -> None:
    r = client.post("/screener/results", data={"size": "1", "age_0": "400", "wages": "-3"})
    assert r.status_code == 200
    assert 'data-testid="errors"' in r.text and "person[0].age" in r.text
    assert 'value="400"' in r.text  # the answers are kept in the form to correct


def test_spanish_results(client: TestClient) -> None:
    client.cookies.set("openhhs_lang", "es")
    r = client.post("/screener/results", data={"size": "1", "age_0": "70"})
    assert "Programas para los que podría calificar" in r.text


def test_nothing_is_stored(client: TestClient) -> None:
    client.post("/screener/results", data={"size": "1", "age_0": "33", "wages": "1000"})
    tables = inspect(client.engine).get_table_names()  # type: ignore[attr-defined]
    assert not [t for t in tables if "screen" in t]


def test_form_to_body_maps_fields() -> None:
    body, size = form_to_body(
        {
            "size": "2",
            "housing": "owner",
            "age_0": "40",
            "age_1": "10",
            "rel_1": "Child",
            "pregnant_0": "1",
            "other_income": "900",
            "other_type": "SSI",
            "rent": "1200",
        }
    )
    assert size == 2
    house, people = body[0]["household"][0], body[0]["person"]
    assert house == {"livingOwner": True}
    assert people[0]["householdMemberType"] == "HeadOfHousehold" and people[0]["pregnant"]
    assert people[0]["incomes"] == [{"amount": "900", "type": "SSI", "frequency": "Monthly"}]
    assert people[0]["expenses"][0]["type"] == "Mortgage"
    assert people[1]["householdMemberType"] == "Child"
