"""The defensive readers, without a database: every kind of broken file gives a reason."""

from __future__ import annotations

import pytest

from openhhs.ingest.readers import FileRejected, read_csv, read_jsonl

HEADER = "CIN,LAST_NAME,FIRST_NAME\n"


def test_a_utf8_bom_is_not_part_of_the_first_column_name() -> None:
    t = read_csv(b"\xef\xbb\xbf" + (HEADER + "A1,DOE,JANE\n").encode(), name="f", required={"CIN"})
    assert t.columns[0] == "CIN" and t.rows[0].values["CIN"] == "A1"


def test_a_wrong_delimiter_rejects_the_file_and_says_which_one_it_looks_like() -> None:
    data = b"CIN;LAST_NAME;FIRST_NAME\nA1;DOE;JANE\n"
    with pytest.raises(FileRejected, match="looks ';'-delimited, the mapping expects ','"):
        read_csv(data, name="f", required={"CIN"})


def test_latin1_bytes_in_a_utf8_feed_reject_only_that_row_and_keep_its_text() -> None:
    data = HEADER.encode() + "A1,GARCÍA,JOSÉ\n".encode("latin-1") + b"A2,DOE,JANE\n"
    t = read_csv(data, name="f", required={"CIN"})
    bad, good = t.rows
    assert bad.problem is not None and "not valid UTF-8" in bad.problem[1]
    assert bad.raw == "A1,GARCÍA,JOSÉ"  # shown losslessly as Latin-1
    assert good.problem is None and good.values["FIRST_NAME"] == "JANE"


def test_ragged_rows_are_rejected_one_by_one() -> None:
    data = (HEADER + "A1,DOE\nA2,DOE,JANE,EXTRA\nA3,ROE,RICHARD\n").encode()
    t = read_csv(data, name="f")
    assert [r.problem[1] if r.problem else None for r in t.rows] == [
        "ragged row: 2 fields, the header has 3",
        "ragged row: 4 fields, the header has 3",
        None,
    ]


def test_embedded_newlines_and_quotes_stay_in_their_field_and_rows_count_records() -> None:
    data = (HEADER + 'A1,"O\'BRIEN ""JR""","MARY\nANN"\nA2,DOE,JANE\n').encode()
    t = read_csv(data, name="f")
    first, second = t.rows
    assert first.values["LAST_NAME"] == 'O\'BRIEN "JR"'
    assert first.values["FIRST_NAME"] == "MARY\nANN"
    assert first.raw == 'A1,"O\'BRIEN ""JR""","MARY\nANN"'
    assert (first.number, second.number) == (2, 3)


def test_a_10_mb_field_is_read_and_rejected_not_a_parser_crash() -> None:
    data = (HEADER + "A1,DOE," + "X" * 10_485_760 + "\nA2,ROE,JANE\n").encode()
    t = read_csv(data, name="f")
    assert t.rows[0].problem == ("FIRST_NAME", "value is 10,485,760 characters (limit 100,000)")
    assert len(t.rows[0].raw) > 10_485_760 and t.rows[1].problem is None


def test_empty_and_header_only_files() -> None:
    with pytest.raises(FileRejected, match="empty file"):
        read_csv(b"", name="f")
    with pytest.raises(FileRejected, match="empty file"):
        read_csv(b"\n\n", name="f")
    assert read_csv(HEADER.encode(), name="f").rows == []


def test_nul_bytes_and_utf16_are_refused_with_a_reason() -> None:
    t = read_csv((HEADER + "A1,DO\x00E,JANE\n").encode(), name="f")
    assert t.rows[0].problem == ("LAST_NAME", "contains a NUL byte")
    assert "\\x00" in t.rows[0].raw and "\x00" not in t.rows[0].raw
    with pytest.raises(FileRejected, match="UTF-16"):
        read_csv(HEADER.encode("utf-16"), name="f")


def test_missing_key_columns_and_repeated_headers_reject_the_file() -> None:
    with pytest.raises(FileRejected, match="missing column"):
        read_csv(b"ID,NAME\n1,X\n", name="f", required={"CIN"})
    with pytest.raises(FileRejected, match="repeated"):
        read_csv(b"CIN,CIN\n1,2\n", name="f")


def test_json_lines_are_flattened_and_bad_lines_rejected() -> None:
    data = (
        b'{"client_id": "MH1", "address": {"zip": "11201"}, "race": ["Asian", "White"], '
        b'"x": null}\n'
        b"not json\n"
        b"[1, 2]\n"
    )
    t = read_jsonl(data, name="f", required={"client_id"})
    ok, bad, arr = t.rows
    assert ok.values == {"client_id": "MH1", "address.zip": "11201", "race": "Asian;White", "x": ""}
    assert bad.problem is not None and "invalid JSON" in bad.problem[1]
    assert arr.problem is not None and "not a JSON object" in arr.problem[1]


def test_lone_surrogates_from_json_escapes_are_rejected_not_stored() -> None:
    t = read_jsonl(b'{"id": "1", "name": "\\ud800x"}\n', name="f", required={"id"})
    assert t.rows[0].problem is not None and "not valid UTF-8" in t.rows[0].problem[1]
    assert "\ufffd" in t.rows[0].raw or "\\ud800" in t.rows[0].raw
