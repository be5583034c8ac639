"""Consent scope rules, unit-restricted agreements, and enforce() against arbitrary payloads."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from access_city import principal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from openhhs.access import enforce, is_redacted
from openhhs.access.agreement import parse_agreement
from openhhs.access.pdp import ConsentFact, PersonFacts, evaluate
from openhhs.access.policy import Policy
from openhhs.model.codes import SensitiveCategory

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def fact(**kw: Any) -> ConsentFact:
    base: dict[str, Any] = {
        "consent_id": 1,
        "categories": frozenset(),
        "elements": (),
        "documents": frozenset(),
        "recipients": frozenset({"HRA"}),
        "purposes": frozenset({"case_management"}),
        "source_agencies": frozenset(),
        "given_at": NOW - dt.timedelta(days=1),
        "expires_at": None,
    }
    base.update(kw)
    return ConsentFact(**base)


def covers(c: ConsentFact, **kw: Any) -> bool:
    args: dict[str, Any] = {
        "recipient": "HRA",
        "purpose": "case_management",
        "provider": "DOHMH",
        "element": "document.medical_record",
        "needed": frozenset({SensitiveCategory.MENTAL_HEALTH}),
        "document_id": None,
        "at": NOW,
    }
    args.update(kw)
    return c.covers(**args)


def test_consent_scope() -> None:
    by_category = fact(categories=frozenset({"mental_health"}))
    assert covers(by_category)
    assert not covers(by_category, recipient="DHS")
    assert not covers(by_category, purpose="research")
    assert not covers(by_category, needed=frozenset({"mental_health", "substance_use"}))
    assert not covers(by_category, at=NOW - dt.timedelta(days=2))  # not yet given
    assert not covers(fact(categories=frozenset({"mental_health"}), expires_at=NOW), at=NOW)
    assert covers(fact(elements=("document.*",)))
    assert not covers(fact(elements=("event.*",)))
    assert covers(fact(documents=frozenset({"77"})), document_id="77")
    assert not covers(fact(documents=frozenset({"77"})), document_id="78")
    only_dohmh = fact(categories=frozenset({"mental_health"}), source_agencies=frozenset({"DHS"}))
    assert not covers(only_dohmh)


def test_unit_restricted_agreement() -> None:
    spec = parse_agreement(
        {
            "id": "DSA-DHS-HRA-99",
            "version": 1,
            "title": "Shelter status to one HRA job center",
            "legal_basis": [{"citation": "NY Social Services Law § 136"}],
            "provider": "DHS",
            "recipients": [{"agency": "HRA", "roles": ["caseworker"], "units": ["JC-12"]}],
            "purposes": ["case_management"],
            "elements": ["event.shelter"],
            "valid_from": "2025-01-01",
            "approval": {"state": "approved", "approved_by": "x", "approved_on": "2024-01-01"},
        }
    )
    policy = Policy.from_specs([spec])
    facts = PersonFacts("E1", frozenset({"DHS"}))
    p12 = principal("HRA", "caseworker")
    in_unit = type(p12)(**{**p12.__dict__, "unit": "JC-12"})
    other = type(p12)(**{**p12.__dict__, "unit": "JC-40"})
    assert evaluate(policy, in_unit, "case_management", "event.shelter", facts, at=NOW).allow
    d = evaluate(policy, other, "case_management", "event.shelter", facts, at=NOW)
    assert not d.allow and "role" in d.reason


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
SECTIONS = st.sampled_from(
    ["person", "household", "enrollments", "events", "alerts", "documents", "records", "junk"]
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=st.dictionaries(SECTIONS | st.text(max_size=8), JSON, max_size=6))
def test_enforce_never_crashes_and_never_passes_unknown_data(
    session: Session, payload: dict[str, Any]
) -> None:
    worker = principal("DOC", "caseworker", pid="user:fuzz")  # nothing is shared with DOC
    out = enforce(worker, "case_management", "E-NOBODY", payload, session=session, commit=False)
    assert set(out.payload) <= set(payload)
    json.dumps(out.payload)  # still serialisable
    assert not out.returned and not out.agreement_ids
    for key, value in out.payload.items():
        if key in ("enrollments", "events", "alerts", "documents", "records"):
            assert is_redacted(value) or all(is_redacted(v) for v in value), (payload, value)
        elif key in ("person", "household") and not is_redacted(value):
            assert all(is_redacted(v) for v in value.values()), (payload, value)
        else:
            assert is_redacted(value) or key in ("person_id", "enterprise_id")
    session.rollback()
