"""Each kind of bad input, end to end on SQLite and PostgreSQL: a clear reason, nothing
half-loaded, nothing lost (the row's text is in the quarantine table)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from openhhs.ingest import ingest_path
from openhhs.model import QuarantinedRow, SourcePerson

from .conftest import count

HEADER = (
    "CIN,CASE_NUM,LINE_NUM,REL_CD,LAST_NAME,FIRST_NAME,MID_INIT,SFX,DOB,SEX_CD,SSN,RACE_CD,"
    "HISP_IND,LANG_CD,STREET_ADDR,APT_NO,CITY,STATE,ZIP,PHONE_NUM,LAST_UPD_DT"
)


def row(
    cin: str, last: str = "DOE", first: str = "JANE", dob: str = "01/02/1980", **kw: str
) -> str:
    values = {"SEX_CD": "F", "RACE_CD": "B", "HISP_IND": "N", "LANG_CD": "ENG", "ZIP": "10027"}
    values.update(kw)
    cols = HEADER.split(",")
    out = dict.fromkeys(cols, "")
    out.update(
        CIN=cin,
        CASE_NUM="0000000001",
        REL_CD="01",
        LAST_NAME=last,
        FIRST_NAME=first,
        DOB=dob,
        **values,
    )
    return ",".join(out[c] for c in cols)


def load(engine: Engine, tmp_path: Path, data: bytes):  # type: ignore[no-untyped-def]
    path = tmp_path / "hra" / "wms_individuals.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    report = ingest_path(engine, path, source="hra")
    return next(f for f in report.files if f.entity in ("person", "person, household_member"))


def quarantined(engine: Engine, batch_id: int | None) -> list[QuarantinedRow]:
    """The rows the person spec of that load rejected (the member spec has its own batch)."""
    with Session(engine) as s:
        q = select(QuarantinedRow).where(QuarantinedRow.batch_id == batch_id)
        return list(s.scalars(q.order_by(QuarantinedRow.id)))


def test_empty_file_fails_with_nothing_loaded(engine: Engine, tmp_path: Path) -> None:
    f = load(engine, tmp_path, b"")
    assert f.status == "failed" and "empty file" in (f.error or "")
    assert count(engine, "select count(*) from source_person") == 0


def test_header_only_loads_nothing_and_never_wipes_a_source(engine: Engine, tmp_path: Path) -> None:
    f = load(engine, tmp_path, (HEADER + "\n").encode())
    assert f.status == "committed" and f.rows_read == 0
    load(engine, tmp_path, f"{HEADER}\n{row('AB00001A')}\n".encode())
    f = load(engine, tmp_path, (HEADER + "\n").encode())
    assert f.status == "failed" and "would tombstone all 1 stored person records" in (f.error or "")
    assert count(engine, "select count(*) from source_person where is_deleted = false") == 1


def test_wrong_delimiter_fails_the_file_with_the_likely_cause(
    engine: Engine, tmp_path: Path
) -> None:
    data = f"{HEADER}\n{row('AB00001A')}\n".replace(",", ";").encode()
    f = load(engine, tmp_path, data)
    assert f.status == "failed" and "looks ';'-delimited" in (f.error or "")
    assert count(engine, "select count(*) from source_person") == 0


def test_latin1_in_a_utf8_feed_quarantines_that_row_only(engine: Engine, tmp_path: Path) -> None:
    data = (
        f"{HEADER}\n".encode()
        + row("AB00001A", last="MUÑOZ", first="JOSÉ").encode("latin-1")
        + f"\n{row('AB00002B')}\n".encode()
    )
    f = load(engine, tmp_path, data)
    assert (f.inserted, f.quarantined) == (1, 1)
    [q] = [q for q in quarantined(engine, f.batch_id) if q.row_number == 2]
    assert "not valid UTF-8" in q.reason and "MUÑOZ,JOSÉ" in (q.raw or "")


def test_a_bom_is_harmless(engine: Engine, tmp_path: Path) -> None:
    f = load(engine, tmp_path, b"\xef\xbb\xbf" + f"{HEADER}\n{row('AB00001A')}\n".encode())
    assert (f.status, f.inserted) == ("committed", 1)


def test_ragged_rows_are_quarantined_with_their_text(engine: Engine, tmp_path: Path) -> None:
    data = f"{HEADER}\n{row('AB00001A')},EXTRA\n{row('AB00002B')}\nAB00003C,1\n".encode()
    f = load(engine, tmp_path, data)
    assert (f.inserted, f.quarantined) == (1, 2)
    assert [q.row_number for q in quarantined(engine, f.batch_id)] == [2, 4]
    assert quarantined(engine, f.batch_id)[1].raw == "AB00003C,1"


def test_embedded_newlines_and_quotes_are_kept(engine: Engine, tmp_path: Path) -> None:
    quoted_last = '"O\'BRIEN ""X"""'  # RFC 4180: quotes doubled inside a quoted field
    quoted_street = '"12 MAIN ST\nREAR"'  # a newline inside a quoted field
    data = f"{HEADER}\n{row('AB00001A', last=quoted_last, STREET_ADDR=quoted_street)}\n"
    f = load(engine, tmp_path, data.encode())
    assert (f.inserted, f.quarantined) == (1, 0), f.problems
    with Session(engine) as s:
        p = s.scalars(select(SourcePerson)).one()
        assert p.raw["LAST_NAME"] == 'O\'BRIEN "X"'
        assert p.raw["STREET_ADDR"] == "12 MAIN ST\nREAR"
        assert p.last_name == "OBRIEN X" and p.source_row == 2


def test_a_10_mb_field_is_quarantined_whole(engine: Engine, tmp_path: Path) -> None:
    big = "A" * 10_485_760
    f = load(engine, tmp_path, f"{HEADER}\n{row('AB00001A', first=big)}\n{row('B2')}\n".encode())
    assert (f.inserted, f.quarantined) == (1, 1)
    [q] = quarantined(engine, f.batch_id)
    assert q.field == "FIRST_NAME" and "10,485,760 characters" in q.reason
    assert big in (q.raw or "")


def test_duplicate_keys_keep_the_first_row_and_quarantine_the_rest(
    engine: Engine, tmp_path: Path
) -> None:
    data = f"{HEADER}\n{row('AB00001A')}\n{row('AB00001A', first='JOAN')}\n".encode()
    f = load(engine, tmp_path, data)
    assert (f.inserted, f.quarantined) == (1, 1)
    assert quarantined(engine, f.batch_id)[0].reason == "duplicate key 'AB00001A' (first at row 2)"


def test_unknown_codes_and_impossible_dates_are_quarantined(engine: Engine, tmp_path: Path) -> None:
    data = (
        f"{HEADER}\n{row('A1', LANG_CD='KLINGON')}\n{row('A2', dob='13/45/1980')}\n"
        f"{row('A3', dob='02/29/2023')}\n{row('A4', dob='01/01/2999')}\n{row('A5')}\n"
    ).encode()
    f = load(engine, tmp_path, data)
    assert (f.inserted, f.quarantined) == (1, 4)
    reasons = [(q.row_number, q.field, q.reason) for q in quarantined(engine, f.batch_id)]
    assert reasons[0][:2] == (2, "LANG_CD") and "unknown language code 'KLINGON'" in reasons[0][2]
    assert [r[1] for r in reasons[1:]] == ["DOB", "DOB", "DOB"]
    assert "impossible date of birth '02/29/2023'" in reasons[2][2]
    assert "(future)" in reasons[3][2]


def test_injection_text_is_stored_inertly(engine: Engine, tmp_path: Path) -> None:
    formula = "=cmd|' /C calc'!A0"
    sql = "Robert'); DROP TABLE source_person;--"
    data = f"{HEADER}\n{row('AB00001A', first=f'{formula}', last=sql)}\n"
    f = load(engine, tmp_path, data.encode())
    assert f.inserted == 1
    assert "source_person" in inspect(engine).get_table_names()
    with Session(engine) as s:
        p = s.scalars(select(SourcePerson)).one()
        assert p.raw["FIRST_NAME"] == formula and p.raw["LAST_NAME"] == sql
        assert p.first_name is not None and not p.first_name.startswith("=")
