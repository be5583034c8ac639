"""HUD HMIS CSV zips (FY2024, FY2026): mapping, HMIS checks, deletions and zip safety."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from openhhs.ingest import ingest_path
from openhhs.ingest.safezip import UnsafeArchive, read_zip
from openhhs.model import Enrollment, Event, HouseholdMember, QuarantinedRow, SourcePerson
from openhhs.model.codes import EventType, GenderIdentity, MissingReason, Race, Sex

from .conftest import count, snapshot
from .hmis_builder import client, default_export, write_zip


def _report(report, member: str, entity: str):  # type: ignore[no-untyped-def]
    return next(f for f in report.files if f.path.endswith(member) and f.entity == entity)


@pytest.mark.parametrize("version", ["2024", "2026"])
def test_an_hmis_export_maps_clients_enrollments_exits_and_households(
    engine: Engine, tmp_path: Path, version: str
) -> None:
    z = write_zip(tmp_path / "dhs" / "hmis_export.zip", default_export(version), version)
    report = ingest_path(engine, z, source="dhs")
    assert report.ok, [f.error for f in report.failed]
    assert all(f.reconciles for f in report.files)
    assert f"HMIS CSV FY{version}, full export" in _report(report, "Client.csv", "person").warnings
    with Session(engine) as s:
        people = {p.source_id: p for p in s.scalars(select(SourcePerson))}
        maria, luis, john = people["c1"], people["c2"], people["c3"]
        assert {r.category for r in maria.races} == {Race.WHITE}
        assert {r.category for r in luis.races} == {Race.HISPANIC}  # both spellings
        assert john.race_missing is MissingReason.REFUSED and john.ssn == "234567891"
        if version == "2026":
            assert maria.sex is Sex.FEMALE and maria.gender_identity is None
        else:
            assert maria.sex is None and maria.gender_identity is GenderIdentity.WOMAN
        enr = {e.source_id: e for e in s.scalars(select(Enrollment))}
        assert enr["n3"].status.value == "closed" and str(enr["n3"].end_date) == "2025-06-30"
        assert enr["n1"].status.value == "active" and enr["n1"].worker_name == "Pat Lee"
        assert enr["n1"].worker_office == "Bedford Family Shelter"
        assert enr["n1"].program_id == "DHS.HMIS.P1"
        kinds = sorted((e.type, e.source_id) for e in s.scalars(select(Event)))
        assert kinds == [
            (EventType.SHELTER_ENTRY, "entry:n1"),
            (EventType.SHELTER_ENTRY, "entry:n2"),
            (EventType.SHELTER_ENTRY, "entry:n3"),
            (EventType.SHELTER_EXIT, "exit:x3"),
        ]
        rel = sorted(m.relationship_to_head.value for m in s.scalars(select(HouseholdMember)))
        assert rel == ["Child", "HeadOfHousehold", "HeadOfHousehold"]
    assert count(engine, "select count(*) from ingest_row where source_id = 'svc:s1'") == 1
    before = snapshot(engine)
    again = ingest_path(engine, z, source="dhs")
    assert again.total("inserted") + again.total("updated") == 0
    assert snapshot(engine) == before


def test_hmis_checks_quarantine_bad_rows_with_the_rule_that_failed(
    engine: Engine, tmp_path: Path
) -> None:
    files = default_export()
    files["Client.csv"] += [
        client("c1", "Dup", "Licate", "1990-01-01"),  # duplicate PersonalID
        client("c4", "Bad", "Code", "1980-01-01", Asian="7"),  # not an allowed value
    ]
    files["Enrollment.csv"] += [
        {
            "EnrollmentID": "n4",
            "PersonalID": "c2",
            "ProjectID": "P1",
            "EntryDate": "2026-01-05",
            "HouseholdID": "h1",
            "RelationshipToHoH": "1",
        },  # a second head of household h1
        {
            "EnrollmentID": "n5",
            "PersonalID": "zz",
            "ProjectID": "P1",
            "EntryDate": "2026-01-05",
            "HouseholdID": "h9",
            "RelationshipToHoH": "1",
        },  # unknown client
    ]
    files["Exit.csv"] += [
        {"ExitID": "x1", "EnrollmentID": "n1", "PersonalID": "c1", "ExitDate": "2025-12-31"}
    ]  # exit before its entry
    z = write_zip(tmp_path / "hmis_export.zip", files)
    report = ingest_path(engine, z, source="dhs_hmis")
    assert report.ok and all(f.reconciles for f in report.files)
    with Session(engine) as s:
        reasons = {
            (q.file_name.rsplit("/", 1)[-1], q.row_number): q.reason
            for q in s.scalars(select(QuarantinedRow))
        }
    assert "duplicate key 'c1' (first at row 2)" in reasons[("Client.csv", 5)]
    assert "Asian must be 0/1" in reasons[("Client.csv", 6)]
    assert "second head of household 'h1' (row 2)" in reasons[("Enrollment.csv", 5)]
    assert "no person 'zz'" in reasons[("Enrollment.csv", 6)]
    assert "entry after exit" in reasons[("Exit.csv", 3)]
    with Session(engine) as s:
        n1 = s.scalars(select(Enrollment).where(Enrollment.source_id == "n1")).one()
        assert n1.status.value == "active" and n1.end_date is None


def test_date_deleted_tombstones_a_client(engine: Engine, tmp_path: Path) -> None:
    files = default_export()
    z = write_zip(tmp_path / "a" / "hmis_export.zip", files)
    ingest_path(engine, z, source="dhs")
    files["Client.csv"][2]["DateDeleted"] = "2026-07-01 09:00:00"
    for table in ("Enrollment.csv", "Exit.csv"):
        for r in files[table]:
            if r["PersonalID"] == "c3":
                r["DateDeleted"] = "2026-07-01 09:00:00"
    z2 = write_zip(tmp_path / "b" / "hmis_export.zip", files)
    report = ingest_path(engine, z2, source="dhs")
    assert _report(report, "Client.csv", "person").tombstoned == 1
    assert _report(report, "Client.csv", "person").flagged_deleted == 1
    with Session(engine) as s:
        john = s.scalars(select(SourcePerson).where(SourcePerson.source_id == "c3")).one()
        assert john.is_deleted
        assert s.scalars(select(Enrollment).where(Enrollment.source_id == "n3")).one().is_deleted


def test_an_unsupported_hmis_version_fails_the_zip_cleanly(engine: Engine, tmp_path: Path) -> None:
    files = default_export()
    files["Export.csv"][0]["CSVVersion"] = "2022"
    report = ingest_path(engine, write_zip(tmp_path / "hmis_export.zip", files), source="dhs")
    [failed] = report.files
    assert failed.status == "failed" and "unsupported HMIS CSV version '2022'" in (
        failed.error or ""
    )
    assert count(engine, "select count(*) from source_person") == 0


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("../../evil.csv", "path traversal"),
        ("/etc/evil.csv", "absolute path"),
        ("C:\\evil.csv", "absolute path"),
    ],
)
def test_a_zip_with_unsafe_entries_is_refused_whole(
    engine: Engine, tmp_path: Path, entry: str, message: str
) -> None:
    z = write_zip(tmp_path / "hmis_export.zip", default_export(), extra={entry: b"x"})
    report = ingest_path(engine, z, source="dhs")
    [failed] = report.files
    assert failed.status == "failed" and message in (failed.error or "")
    assert count(engine, "select count(*) from source_person") == 0
    assert not (tmp_path.parent / "evil.csv").exists()


def test_zip_bombs_and_symlinks_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Client.csv", b"0" * (8 << 20))  # 8 MB of zeros deflates ~1000x
    with pytest.raises(UnsafeArchive, match="zip bomb"):
        read_zip(bomb)
    with pytest.raises(UnsafeArchive, match="declares 8,388,608 bytes"):
        read_zip(bomb, max_total=4 << 20, max_ratio=10**6)
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as zf:
        info = zipfile.ZipInfo("Client.csv")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeArchive, match="symbolic link"):
        read_zip(link)
    notzip = tmp_path / "hmis_export.zip"
    notzip.write_bytes(b"PK not really")
    with pytest.raises(UnsafeArchive, match="not a readable zip"):
        read_zip(notzip)


def test_a_second_membership_in_one_household_is_quarantined_on_every_load(
    engine: Engine, tmp_path: Path
) -> None:
    files = default_export()
    z = write_zip(tmp_path / "a" / "hmis_export.zip", files)
    ingest_path(engine, z, source="dhs")
    files["Enrollment.csv"].append(
        {
            "EnrollmentID": "n6",
            "PersonalID": "c2",
            "ProjectID": "P1",
            "EntryDate": "2026-02-01",
            "HouseholdID": "h1",
            "RelationshipToHoH": "2",
        }  # Luis re-enters the same household
    )
    z2 = write_zip(tmp_path / "b" / "hmis_export.zip", files)
    for _ in range(2):
        report = ingest_path(engine, z2, source="dhs")
        assert report.ok
        member = _report(report, "Enrollment.csv", "household_member")
        assert [p.reason for p in member.problems] == [
            "person already in this household (record 'n2')"
        ]
    assert count(engine, "select count(*) from enrollment where source_id = 'n6'") == 1


def test_data_quality_codes_become_missing_reasons_not_rejections(
    engine: Engine, tmp_path: Path
) -> None:
    files = default_export()
    files["Client.csv"].append(
        client("c5", "Ana", "Ruiz", "", DOBDataQuality="8", SSNDataQuality="9")
    )
    report = ingest_path(engine, write_zip(tmp_path / "hmis_export.zip", files), source="dhs")
    assert _report(report, "Client.csv", "person").quarantined == 0
    with Session(engine) as s:
        ana = s.scalars(select(SourcePerson).where(SourcePerson.source_id == "c5")).one()
        assert (ana.dob, ana.dob_missing) == (None, MissingReason.DONT_KNOW)
        assert (ana.ssn, ana.ssn_missing) == (None, MissingReason.REFUSED)
