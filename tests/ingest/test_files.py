"""File ingest end to end on SQLite and PostgreSQL: load, re-load, change, delete, roll back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from openhhs.errors import InvalidInput
from openhhs.ingest import ingest_path
from openhhs.model import Enrollment, Household, Income, IngestBatch, SourcePerson
from openhhs.model.codes import BatchStatus

from .conftest import count, snapshot


def by_entity(report, path: str, entity: str):  # type: ignore[no-untyped-def]
    return next(f for f in report.files if f.path.endswith(path) and f.entity == entity)


def test_hra_drop_loads_every_row_or_quarantines_it(engine: Engine, city: Path) -> None:
    report = ingest_path(engine, city / "hra")
    assert report.ok
    for f in report.files:
        assert f.reconciles, f
    people = by_entity(report, "wms_individuals.csv", "person")
    assert (people.rows_read, people.inserted, people.quarantined) == (3, 1, 2)
    reasons = {p.row: p.reason for p in people.problems}
    assert "impossible date of birth" in reasons[3]
    assert "unknown sex code 'Q'" in reasons[4]
    with Session(engine) as s:
        maria = s.scalars(select(SourcePerson)).one()
        assert (maria.first_name, maria.last_name, maria.last_name_parts) == (
            "MARIA",
            "GARCIA LOPEZ",
            ["GARCIA", "LOPEZ"],
        )
        assert (maria.source_file, maria.source_row) == ("wms_individuals.csv", 2)
        assert maria.batch_id == people.batch_id
        assert {r.category.value for r in maria.races} == {"WHITE", "HISPANIC"}
        assert maria.zip5 == "11201" and maria.primary_language == "spa"
        hh = s.scalars(select(Household)).one()
        assert [e.amount for e in hh.expenses] == [1450]
        assert s.scalars(select(Income)).one().frequency.value == "Biweekly"
        snap = s.scalars(select(Enrollment)).one()
        assert (snap.program_id, snap.worker_phone, snap.household_id) == (
            "HRA.SNAP",
            "+12125550142",
            hh.id,
        )
        batches = s.scalars(select(IngestBatch)).all()
        assert {b.status for b in batches} == {BatchStatus.COMMITTED}
    assert count(engine, "select count(*) from quarantined_row") == sum(
        f.quarantined for f in report.files
    )


def test_reloading_the_same_files_changes_nothing(engine: Engine, city: Path) -> None:
    ingest_path(engine, city / "hra")
    before = snapshot(engine)
    again = ingest_path(engine, city / "hra")
    assert again.total("inserted") == again.total("updated") == again.total("tombstoned") == 0
    assert again.total("unchanged") == 5
    assert snapshot(engine) == before


def test_a_changed_row_updates_and_a_missing_row_becomes_a_tombstone(
    engine: Engine, city: Path
) -> None:
    ingest_path(engine, city / "hra")
    enrl = city / "hra" / "wms_program_enrollments.csv"
    lines = enrl.read_text().splitlines()
    enrl.write_text("\n".join([lines[0], lines[1].replace(",AC,", ",CL,")]) + "\n")
    inc = city / "hra" / "wms_income.csv"
    inc.write_text(inc.read_text().replace("600.00", "650.00"))
    report = ingest_path(engine, city / "hra")
    e = by_entity(report, "wms_program_enrollments.csv", "enrollment")
    assert (e.updated, e.unchanged, e.inserted) == (1, 0, 0)
    i = by_entity(report, "wms_income.csv", "income")
    assert i.updated == 1
    with Session(engine) as s:
        snap = s.scalars(select(Enrollment)).one()
        assert snap.status.value == "closed" and snap.batch_id == e.batch_id
        assert s.scalars(select(Income)).one().amount == 650
    # the person file without Maria: a full extract, so she becomes a tombstone
    people = city / "hra" / "wms_individuals.csv"
    head, *rows = people.read_text().splitlines()
    people.write_text("\n".join([head, *[r for r in rows if not r.startswith("AB12345C")]]) + "\n")
    report = ingest_path(engine, people)
    p = by_entity(report, "wms_individuals.csv", "person")
    assert p.tombstoned == 1
    with Session(engine) as s:
        maria = s.scalars(select(SourcePerson)).one()
        assert maria.is_deleted and maria.deleted_at is not None and maria.batch_id == p.batch_id


def test_a_crash_mid_file_rolls_the_whole_file_back(
    engine: Engine, city: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openhhs.ingest import store

    real = store._write_parts
    calls = {"n": 0}

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        real(*args, **kwargs)  # the person rows and parts are written, then the process dies
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_write_parts", crash)
    report = ingest_path(engine, city / "hra" / "wms_individuals.csv")
    assert calls["n"] == 1
    [failed] = report.files
    assert failed.status == "failed" and "disk full" in (failed.error or "")
    assert count(engine, "select count(*) from source_person") == 0
    assert count(engine, "select count(*) from person_name") == 0
    assert count(engine, "select count(*) from quarantined_row") == 0
    with Session(engine) as s:
        [batch] = s.scalars(select(IngestBatch)).all()
        assert batch.status is BatchStatus.FAILED and "disk full" in (batch.error or "")


def test_an_unknown_source_is_a_clear_error(engine: Engine, city: Path) -> None:
    with pytest.raises(InvalidInput, match=r"unknown source 'hrx'; known sources: .*hra_wms"):
        ingest_path(engine, city / "hra", source="hrx")


def test_a_row_that_turns_bad_is_quarantined_but_its_stored_records_are_kept(
    engine: Engine, city: Path
) -> None:
    ingest_path(engine, city / "hra")
    people = city / "hra" / "wms_individuals.csv"
    lines = people.read_text().splitlines()
    lines[1] += ",ONE TOO MANY"  # Maria's row is now ragged: it is in the extract, but unreadable
    people.write_text("\n".join(lines) + "\n")
    report = ingest_path(engine, people)
    person = by_entity(report, "wms_individuals.csv", "person")
    member = by_entity(report, "wms_individuals.csv", "household_member")
    assert (person.quarantined, person.tombstoned) == (3, 0)
    assert (member.quarantined, member.not_applicable, member.tombstoned) == (2, 1, 0)
    assert count(engine, "select count(*) from source_person where is_deleted = false") == 1
    assert count(engine, "select count(*) from household_member") == 1
