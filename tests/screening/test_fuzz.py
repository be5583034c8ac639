"""Whatever JSON arrives, screening answers SUCCESS or FAILURE and never raises."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openhhs.screening import screen_request

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(
        ["HeadOfHousehold", "Child", "Wages", "Monthly", "Rent", "NYCHA", "", "1e309"]
    )
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "household",
                    "person",
                    "age",
                    "householdMemberType",
                    "incomes",
                    "expenses",
                    "amount",
                    "type",
                    "frequency",
                    "cashOnHand",
                    "livingRenting",
                    "livingRentalType",
                    "pregnant",
                    "caseId",
                    "x",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=25,
)
person = st.fixed_dictionaries(
    {
        "age": st.integers(-5, 200),
        "householdMemberType": st.sampled_from(["HeadOfHousehold", "Child", "Spouse", "Boss"]),
    },
    optional={
        "incomes": st.lists(
            st.fixed_dictionaries(
                {
                    "amount": st.floats(-10, 1e8, allow_nan=False),
                    "type": st.sampled_from(["Wages", "SSI", "Lottery"]),
                    "frequency": st.sampled_from(["Weekly", "Monthly", "Daily"]),
                }
            ),
            max_size=3,
        ),
        "pregnant": st.booleans(),
    },
)
near_valid = st.lists(
    st.fixed_dictionaries(
        {
            "household": st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "livingRenting": st.booleans(),
                        "livingRentalType": st.sampled_from(["NYCHA", "Tent"]),
                        "cashOnHand": st.floats(-1, 1e8, allow_nan=False),
                    },
                ),
                min_size=0,
                max_size=2,
            ),
            "person": st.lists(person, min_size=0, max_size=9),
        }
    ),
    min_size=0,
    max_size=2,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(json_values, near_valid))
def test_never_raises(payload: object) -> None:
    out = screen_request(payload, dt.date(2026, 3, 1))
    assert out["type"] in ("SUCCESS", "FAILURE")
    if out["type"] == "FAILURE":
        assert out["errors"] and all(e["message"] for e in out["errors"])
    else:
        assert isinstance(out["eligiblePrograms"], list)
