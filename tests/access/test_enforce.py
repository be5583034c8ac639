"""enforce(): field-level redaction with reasons, consent and withdrawal, IDOR, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from access_city import principal, snapshot
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from openhhs.access import DecisionContext, decide, enforce, is_redacted
from openhhs.access._audit import recent_events
from openhhs.access.agreement import ApprovalState
from openhhs.access.consent import give_consent, withdraw_consent
from openhhs.access.store import load_agreements, set_state
from openhhs.audit import person_history, verify

HRA_WORKER = principal("HRA", "caseworker", pid="user:hra-1")
PRIVACY = principal("HRA", "privacy_officer", pid="user:hra-po")


def _by_agency(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["agency"]: e for e in payload["enrollments"] if "agency" in e}


def _events_for(pid: str, person: str) -> list[Any]:
    return [e for e in recent_events() if e.actor == pid and e.person_id == person]


def test_hra_caseworker_sees_exactly_what_the_agreements_grant(
    session: Session, city: dict[str, list[int]]
) -> None:
    before = len(recent_events())
    out = enforce(HRA_WORKER, "case_management", "E-ALICE", snapshot(session, "E-ALICE", city),
                  session=session)  # fmt: skip
    p = out.payload
    assert p["person"] == {"name": "ALICE DOE", "dob": "1980-01-01", "ssn_last4": "1234"}
    enr = _by_agency(p)
    assert set(enr) == {"HRA", "DHS"}, "the DOHMH enrollment is not even hinted at"
    assert enr["HRA"]["case_number"] == "HRA-0001"  # own agency
    assert enr["DHS"]["worker_contact"] == {"name": "DHS Worker", "phone": "+12125550100"}
    assert is_redacted(enr["DHS"]["case_number"])
    assert enr["DHS"]["case_number"]["reason"] == "not shared with your agency under any agreement"
    assert p["events"] == [{"agency": "DHS", "type": "shelter_entry", "occurred_at": "2026-10-01"}]
    assert p["records"] == [{"agency": "HRA", "raw": {"case_note": "..."}}]
    assert "DSA-DHS-HRA-01" in out.agreement_ids
    # one read and one denial audited, with the elements and the agreement id
    events = recent_events()[before:]
    read = [e for e in events if e.outcome == "success"]
    denied = [e for e in events if e.outcome == "denied"]
    assert len(read) == 1 and len(denied) == 1
    assert read[0].agreement_ids == ("DSA-DHS-HRA-01", "own-agency")
    assert "enrollment.worker_contact" in read[0].elements
    assert read[0].purpose == "case_management" and read[0].person_id == "E-ALICE"
    assert "enrollment.case_number" in denied[0].elements
    assert denied[0].actor == "user:hra-1"
    rows = {r.action: r for r in person_history(session, "E-ALICE")}
    assert rows["read"].agreement_id == "DSA-DHS-HRA-01,own-agency"
    assert "enrollment.worker_contact" in rows["read"].elements
    assert rows["read"].purpose == "case_management" and rows["read"].actor_agency == "HRA"
    assert rows["deny"].outcome == "denied" and "enrollment.case_number" in rows["deny"].elements


def test_consent_given_then_withdrawn_between_two_calls(
    session: Session, city: dict[str, list[int]]
) -> None:
    given = give_consent(
        session,
        person_id="E-ALICE",
        recipients=["HRA"],
        purposes=["case_management"],
        categories=["mental_health"],
        recorded_by=PRIVACY,
        method="written",
    )
    session.commit()
    first = enforce(HRA_WORKER, "case_management", "E-ALICE", snapshot(session, "E-ALICE", city),
                    session=session)  # fmt: skip
    dohmh = _by_agency(first.payload)["DOHMH"]
    assert dohmh["program"] == "Assertive Community Treatment"
    assert dohmh["worker_contact"]["name"] == "DOHMH Worker"
    assert is_redacted(dohmh["case_number"])
    assert "DSA-DOHMH-DSS-01" in first.agreement_ids

    withdraw_consent(session, given.id, recorded_by=PRIVACY, method="verbal")
    session.commit()
    second = enforce(HRA_WORKER, "case_management", "E-ALICE", snapshot(session, "E-ALICE", city),
                     session=session)  # fmt: skip
    assert "DOHMH" not in _by_agency(second.payload)
    assert "enrollment.worker_contact" in second.returned  # DHS's still shown
    # withheld without a trace in what is shown, but the denial is audited
    assert "requires the client's consent" in second.withheld["enrollment.program"]
    assert "consent" not in " ".join(second.denied.values())
    assert "DSA-DOHMH-DSS-01" not in second.agreement_ids
    denial = [e for e in _events_for("user:hra-1", "E-ALICE") if e.outcome == "denied"][-1]
    assert "enrollment.status" in denial.elements


def test_an_expired_consent_counts_for_nothing(
    session: Session, city: dict[str, list[int]]
) -> None:
    now = dt.datetime.now(dt.UTC)
    give_consent(
        session,
        person_id="E-ALICE",
        recipients=["HRA"],
        purposes=["case_management"],
        categories=["mental_health"],
        recorded_by=PRIVACY,
        method="written",
        effective_at=now - dt.timedelta(days=400),
        expires_at=now - dt.timedelta(days=35),
    )
    session.commit()
    out = enforce(HRA_WORKER, "case_management", "E-ALICE", snapshot(session, "E-ALICE", city),
                  session=session)  # fmt: skip
    assert "DOHMH" not in _by_agency(out.payload)


def test_idor_another_agencys_client_and_enumerated_ids_look_the_same(
    session: Session, city: dict[str, list[int]]
) -> None:
    payload = {
        "person": {"name": "BOB DOE", "dob": "1980-01-01"},
        "enrollments": [{"agency": "DOHMH", "categories": ["mental_health"], "program": "ACT"}],
        "records": [{"agency": "DOHMH", "raw": {"note": "x"}}],
    }
    bob = enforce(HRA_WORKER, "case_management", "E-BOB", payload, session=session).payload
    nobody = enforce(HRA_WORKER, "case_management", "E-999999", payload, session=session).payload
    assert bob == nobody
    assert all(is_redacted(v) for v in bob["person"].values())
    assert bob["enrollments"] == [] and bob["records"] == []
    for pid in ("E-BOB", "E-999999"):
        denials = [e for e in _events_for("user:hra-1", pid) if e.outcome == "denied"]
        assert denials and not [e for e in _events_for("user:hra-1", pid) if e.outcome == "success"]
        # and in the hash-chained audit log itself
        rows = person_history(session, pid)
        assert [(r.action, r.outcome, r.actor) for r in rows] == [("deny", "denied", "user:hra-1")]
        assert "person.name" in rows[0].elements
    assert verify(session.get_bind()).ok  # type: ignore[arg-type]


def test_unknown_sections_and_malformed_items_are_removed(
    session: Session, city: dict[str, list[int]]
) -> None:
    payload = {
        "ssn_full": "123456789",
        "person": "not a mapping",
        "events": ["junk", {"type": "shelter_entry"}],
        "enrollments": [17, {"program": "no agency"}],
    }
    out = enforce(HRA_WORKER, "case_management", "E-ALICE", payload, session=session).payload
    assert is_redacted(out["ssn_full"]) and is_redacted(out["person"])
    assert out["events"] == [{"redacted": True, "reason": "record has no owning agency"}]
    assert out["enrollments"] == [{"redacted": True, "reason": "record has no owning agency"}]


def test_withdrawing_an_agreement_in_the_database_denies_at_once(
    session: Session, city: dict[str, list[int]]
) -> None:
    load_agreements(session)
    session.commit()
    ctx = DecisionContext(session=session, provider="DHS")
    assert decide(HRA_WORKER, "case_management", "E-ALICE", "event.shelter", ctx=ctx).allow
    set_state(session, "DSA-DHS-HRA-01", ApprovalState.WITHDRAWN, actor="test")
    session.commit()
    d = decide(HRA_WORKER, "case_management", "E-ALICE", "event.shelter", ctx=ctx)
    assert not d.allow and "DSA-DHS-HRA-01 was withdrawn" in d.reason
    out = enforce(HRA_WORKER, "case_management", "E-ALICE", snapshot(session, "E-ALICE", city),
                  session=session)  # fmt: skip
    assert set(_by_agency(out.payload)) == {"HRA"}
    markers = [e for e in out.payload["enrollments"] if is_redacted(e)]
    assert markers == [{"redacted": True, "reason": "agreement DSA-DHS-HRA-01 was withdrawn"}]


def test_active_case_is_read_from_enrollments(session: Session, city: dict[str, list[int]]) -> None:
    dhs = principal("DHS", "caseworker")
    ctx = DecisionContext(session=session, provider="DOC")
    # E-CARL: DOC and DHS records, both active -> DSA-DOC-DHS-01 applies
    assert decide(dhs, "case_management", "E-CARL", "event.jail", ctx=ctx).allow
    session.execute(text("update enrollment set status = 'closed' where agency_id = 'DHS'"))
    session.commit()
    d = decide(dhs, "case_management", "E-CARL", "event.jail", ctx=ctx)
    assert not d.allow and "requires an active case" in d.reason


def test_consent_rows_cannot_be_changed_or_deleted(
    session: Session, city: dict[str, list[int]]
) -> None:
    row = give_consent(
        session,
        person_id="E-ALICE",
        recipients=["HRA"],
        purposes=["case_management"],
        categories=["mental_health"],
        recorded_by=PRIVACY,
        method="written",
    )
    session.commit()
    for sql in (
        "update access_consent set recipient_agencies = '[]' where id = :id",
        "delete from access_consent where id = :id",
    ):
        with pytest.raises(DBAPIError, match="immutable"):
            session.execute(text(sql), {"id": row.id})
        session.rollback()


def test_golden_fields_follow_their_provenance(
    session: Session, city: dict[str, list[int]]
) -> None:
    payload = {
        "person": {
            "name": "ALICE DOE",
            "ssn_last4": "1234",
            "phone": "+12125550199",
            "_sources": {"name": ["DHS"], "ssn_last4": ["DOHMH"], "phone": ["DOHMH", "HRA"]},
        }
    }
    out = enforce(HRA_WORKER, "case_management", "E-ALICE", payload, session=session).payload
    assert out["person"]["name"] == "ALICE DOE"  # DSA-DHS-HRA-01
    assert is_redacted(out["person"]["ssn_last4"])  # only DOHMH supplied it; nothing shares it
    assert out["person"]["phone"] == "+12125550199"  # HRA's own record supplied it too
    assert "_sources" not in out["person"]


@pytest.mark.parametrize(
    ("action", "outcome", "expected"),
    [
        ("person:read", "success", "read"),
        ("person:search", "success", "read"),
        ("person:read_sensitive", "denied", "deny"),
        ("person:export", "success", "export"),
        ("person:export", "denied", "deny"),
        ("auth:login", "failure", "login"),
        ("purpose:denied", "denied", "deny"),
        ("consent:withdrawn", "success", "write"),
        ("dsa:agreement:withdrawn", "success", "admin"),
    ],
)
def test_event_names_map_onto_audit_actions(action: str, outcome: str, expected: str) -> None:
    from openhhs.access._audit import AccessEvent, audit_action

    assert audit_action(AccessEvent(action=action, outcome=outcome, actor="a", agency=None)) == (
        expected
    )


def test_enforce_many_audits_each_person_in_one_transaction(
    session: Session, city: dict[str, list[int]]
) -> None:
    from openhhs.access import enforce_many

    page = [(pid, {"person": {"name": pid}}) for pid in ("E-ALICE", "E-BOB", "E-CARL")]
    results = enforce_many(HRA_WORKER, "case_management", page, session=session)
    assert results[0].payload["person"]["name"] == "E-ALICE"  # own agency
    assert is_redacted(results[1].payload["person"]["name"])  # DOHMH-only client
    for pid in ("E-ALICE", "E-BOB", "E-CARL"):
        assert person_history(session, pid), pid
