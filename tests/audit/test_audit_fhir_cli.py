"""FHIR AuditEvent export and the `openhhs audit` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from openhhs.audit import record, to_fhir_audit_event
from openhhs.cli import app


def test_fhir_audit_event_shape(session: Session) -> None:
    entry = record(
        session,
        actor="jdoe",
        actor_agency="DHS",
        action="read",
        purpose="case_management",
        person_id="EID-7",
        elements=["person.name", "enrollment.worker_contact"],
        agreement_id="dsa-hra-dhs-001",
        request_id="req-1",
    )
    event = to_fhir_audit_event(entry)
    assert event["resourceType"] == "AuditEvent"
    assert event["type"]["code"] == "110110" and event["action"] == "R"
    assert event["outcome"] == "0"
    assert event["recorded"].endswith("Z")
    user = event["agent"][0]
    assert user["requestor"] is True and user["who"]["identifier"]["value"] == "jdoe"
    assert user["policy"] == ["https://openhhs.org/fhir/agreement/dsa-hra-dhs-001"]
    assert event["agent"][1]["who"]["identifier"]["value"] == "DHS"
    assert event["purposeOfEvent"][0]["text"] == "case_management"
    person = event["entity"][0]
    assert person["what"]["identifier"]["value"] == "EID-7"
    assert [d["valueString"] for d in person["detail"]] == [
        "enrollment.worker_contact",
        "person.name",
    ]
    chain = {e["url"]: e for e in event["extension"][0]["extension"]}
    assert chain["hash"]["valueString"] == entry.hash
    json.dumps(event)  # JSON-ready


def test_fhir_denial_carries_reason(session: Session) -> None:
    entry = record(
        session,
        actor="jdoe",
        action="deny",
        person_id="EID-1",
        detail={"reason": "not shared with your role under any agreement"},
    )
    event = to_fhir_audit_event(entry)
    assert event["outcome"] == "4"
    assert event["outcomeDesc"].startswith("not shared")


@pytest.fixture
def runner_env(database_url: str) -> dict[str, str]:
    return {"OPENHHS_DATABASE_URL": database_url, "OPENHHS_SECRET_KEY": "test-secret"}


def test_cli_verify_and_export(engine: Engine, runner_env: dict[str, str], tmp_path: Path) -> None:
    with Session(engine) as session, session.begin():
        for i in range(3):
            record(session, actor="jdoe", action="read", person_id=f"EID-{i}")
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify"], env=runner_env)
    assert ok.exit_code == 0, ok.output
    assert "intact: 3 entries" in ok.output
    anchor = ok.output.split("--anchor ")[1].split()[0]
    assert (
        runner.invoke(app, ["audit", "verify", "--anchor", anchor], env=runner_env).exit_code == 0
    )
    bad_anchor = runner.invoke(app, ["audit", "verify", "--anchor", "x"], env=runner_env)
    assert bad_anchor.exit_code == 2

    out = tmp_path / "audit.json"
    exported = runner.invoke(app, ["audit", "export", "--fhir", "--out", str(out)], env=runner_env)
    assert exported.exit_code == 0, exported.output
    bundle = json.loads(out.read_text())
    assert bundle["resourceType"] == "Bundle"
    assert [e["resource"]["id"] for e in bundle["entry"]] == [
        "openhhs-audit-1",
        "openhhs-audit-2",
        "openhhs-audit-3",
    ]

    history = runner.invoke(app, ["audit", "history", "EID-1"], env=runner_env)
    assert history.exit_code == 0 and "jdoe" in history.output

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET person_id = 'EID-9' WHERE seq = 2"))
    bad = runner.invoke(app, ["audit", "verify"], env=runner_env)
    assert bad.exit_code == 1
    assert "seq 2" in bad.output and "edited" in bad.output
    assert ("UNPROTECTED" in bad.output) == (engine.dialect.name == "sqlite")


def test_cli_without_a_schema_says_so(tmp_path: Path) -> None:
    env = {"OPENHHS_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "OPENHHS_SECRET_KEY": "k"}
    runner = CliRunner()
    out = tmp_path / "x.json"
    for args in (["verify"], ["history", "EID-1"], ["export", "--out", str(out)]):
        result = runner.invoke(app, ["audit", *args], env=env)
        assert result.exit_code == 2, result.output
        assert "openhhs db upgrade" in result.output
    assert not out.exists() and not (tmp_path / "x.json.part").exists()
