"""Small builders for NYC-API request bodies used across the screening tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openhhs.screening import explain, frame_from_items, parse_request, screen_frame

D = dt.date
FY26 = D(2026, 3, 1)


def person(age: int, role: str = "Child", **kw: Any) -> dict[str, Any]:
    return {"age": age, "householdMemberType": role, **kw}


def head(age: int = 35, **kw: Any) -> dict[str, Any]:
    return person(age, "HeadOfHousehold", **kw)


def wages(amount: float, frequency: str = "Monthly") -> dict[str, Any]:
    return {"amount": amount, "type": "Wages", "frequency": frequency}


def income(amount: float, typ: str, frequency: str = "Monthly") -> dict[str, Any]:
    return {"amount": amount, "type": typ, "frequency": frequency}


def expense(amount: float, typ: str, frequency: str = "Monthly") -> dict[str, Any]:
    return {"amount": amount, "type": typ, "frequency": frequency}


def body(*persons: dict[str, Any], **household: Any) -> list[dict[str, Any]]:
    return [{"household": [household], "person": list(persons)}]


def results(b: list[dict[str, Any]], day: dt.date = FY26, lang: str = "en") -> dict[str, Any]:
    """Screen one body; results keyed by program key."""
    fr = screen_frame(frame_from_items(parse_request(b)), day)
    return {r.key: r for r in explain(fr, 0, lang)}


def household_of(size: int, monthly_wages: float = 0.0, **kw: Any) -> list[dict[str, Any]]:
    """A parent with `size - 1` children aged 5 and up, all wages on the head."""
    incomes = [wages(monthly_wages)] if monthly_wages else []
    members = [head(35, incomes=incomes, **kw)] + [person(5 + i) for i in range(size - 1)]
    return body(*members)
