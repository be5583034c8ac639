"""`openhhs access ...` on the command line: clear errors, exit codes, load and withdraw."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from openhhs.access.agreement import AGREEMENTS_DIR
from openhhs.access.models import AgreementRecord, User
from openhhs.cli import app
from openhhs.db import make_engine

runner = CliRunner()


def test_validate_the_shipped_set() -> None:
    r = runner.invoke(app, ["access", "validate"])
    assert r.exit_code == 0, r.output
    assert "17 agreements valid" in r.output


def test_validate_reports_every_problem_and_exits_2(tmp_path: Path) -> None:
    shutil.copy(AGREEMENTS_DIR / "dsa-dohmh-dss-01.yaml", tmp_path / "ok.yaml")
    text = (AGREEMENTS_DIR / "dsa-dohmh-dss-01.yaml").read_text()
    broken = text.replace("id: DSA-DOHMH-DSS-01", "id: DSA-DOHMH-DSS-02").replace(
        "  - type: consent_required\n    categories: [mental_health, substance_use]\n", ""
    )
    assert broken.count("consent_required") == 0
    (tmp_path / "broken.yaml").write_text(broken)
    (tmp_path / "junk.yaml").write_text(": : :\n\t")
    r = runner.invoke(app, ["access", "validate", str(tmp_path)])
    assert r.exit_code == 2
    lines = r.output.splitlines()
    assert any("broken.yaml" in x and "NY Mental Hygiene Law § 33.13" in x for x in lines)
    assert any("broken.yaml" in x and "42 CFR Part 2" in x for x in lines)
    assert any("junk.yaml: cannot read YAML" in x for x in lines)
    assert "Traceback" not in r.output
    empty = tmp_path / "empty"
    empty.mkdir()
    assert runner.invoke(app, ["access", "validate", str(empty)]).exit_code == 2
    assert runner.invoke(app, ["access", "validate", str(tmp_path / "nope")]).exit_code == 2


def test_load_withdraw_and_accounts(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPENHHS_DATABASE_URL", database_url)
    r = runner.invoke(app, ["access", "load"])
    assert r.exit_code == 0 and "17 inserted" in r.output, r.output
    assert "17 unchanged" in runner.invoke(app, ["access", "load"]).output
    r = runner.invoke(app, ["access", "withdraw", "DSA-DHS-HRA-01", "--actor", "counsel"])
    assert r.exit_code == 0 and "DSA-DHS-HRA-01@v1, DSA-DHS-HRA-01@v2" in r.output
    assert runner.invoke(app, ["access", "withdraw", "DSA-NOPE-01"]).exit_code == 2
    r = runner.invoke(app, ["access", "add-user", "ana", "--agency", "HRA", "--role",
                            "caseworker", "--password", "a long enough password"])  # fmt: skip
    assert r.exit_code == 0, r.output
    bad = runner.invoke(app, ["access", "add-user", "bo", "--agency", "XYZ", "--role",
                              "caseworker", "--password", "a long enough password"])  # fmt: skip
    assert bad.exit_code == 2 and "unknown agency" in bad.output
    svc = runner.invoke(app, ["access", "add-service", "dhs-carres", "--agency", "DHS"])
    assert svc.exit_code == 0 and "ohs_svc_" in svc.output
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(AGREEMENTS_DIR / "dsa-hra-dhs-01.yaml", one / "a.yaml")
    r = runner.invoke(app, ["access", "load", str(one)])
    # 17 loaded - 1 kept - 3 already withdrawn (DSA-DOC-HRA-01, DSA-DHS-HRA-01 v1 and v2) = 13
    assert r.exit_code == 0 and "1 unchanged, 13 retired" in r.output, r.output
    engine = make_engine(database_url)
    with Session(engine) as s:
        states = {
            (r.id, r.version): r.state.value
            for r in s.scalars(
                select(AgreementRecord).where(AgreementRecord.id == "DSA-DHS-HRA-01")
            )
        }
        assert states == {("DSA-DHS-HRA-01", 1): "withdrawn", ("DSA-DHS-HRA-01", 2): "withdrawn"}
        live = s.scalars(select(AgreementRecord.id).where(AgreementRecord.state == "approved"))
        assert list(live) == ["DSA-HRA-DHS-01"]
        assert s.scalars(select(User.username)).all() == ["ana"]
    engine.dispose()
