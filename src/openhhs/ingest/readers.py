"""Reading agency files defensively: bad bytes and bad rows become reasons, never crashes.

A file-level problem (empty, wrong delimiter, missing key columns) rejects the whole file with a
`FileRejected`; a row-level problem (ragged, undecodable, oversized, NUL bytes) becomes a
`RawRow.problem` so the row goes to quarantine with its exact text and the rest still loads.
Row numbers count the header as row 1, so row 2 is the first data row (as a spreadsheet shows it).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openhhs.errors import InvalidInput

MAX_FIELD_CHARS = 100_000  # longer values are quarantined, not stored in a VARCHAR column
_CSV_PARSER_LIMIT = 256 * 1024 * 1024  # let the parser read huge fields so we can reject them
_DELIMITERS = (",", ";", "|", "\t")
_UTF8_BOM = b"\xef\xbb\xbf"

csv.field_size_limit(_CSV_PARSER_LIMIT)


class FileRejected(InvalidInput):
    """The file cannot be interpreted at all; nothing of it is loaded."""


@dataclass(frozen=True, slots=True)
class RawRow:
    number: int
    values: dict[str, str]
    raw: str  # the record's text as read (undecodable bytes shown as Latin-1)
    problem: tuple[str | None, str] | None = None  # (field, reason)


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[RawRow]


def decode(data: bytes, encoding: str) -> str:
    """Decode keeping undecodable bytes as lone surrogates, so each bad row can be flagged."""
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FileRejected("the file is UTF-16 encoded; the feed must be UTF-8")
    try:
        return data.decode(encoding, errors="surrogateescape")
    except LookupError as exc:
        raise FileRejected(f"unknown encoding {encoding!r} in the mapping") from exc


_SURROGATE = re.compile("[\ud800-\udfff]")  # undecodable bytes, or lone surrogates from JSON
_ODD = re.compile("[\ud800-\udfff\x00]")


def _show(ch: str) -> str:
    if ch == "\x00":
        return "\\x00"
    code = ord(ch)
    return chr(code - 0xDC00) if 0xDC80 <= code <= 0xDCFF else "\ufffd"


def readable(text: str) -> str:
    """Show undecodable bytes as their Latin-1 characters and NUL as `\\x00` (storable text)."""
    if not _ODD.search(text):
        return text
    return _ODD.sub(lambda m: _show(m[0]), text)


def _row_problem(values: dict[str, str]) -> tuple[str | None, str] | None:
    for col, val in values.items():
        if len(val) > MAX_FIELD_CHARS:
            return col, f"value is {len(val):,} characters (limit {MAX_FIELD_CHARS:,})"
        if _SURROGATE.search(val):
            return col, f"not valid UTF-8 (Latin-1?): {readable(val)[:60]!r}"
        if "\x00" in val:
            return col, "contains a NUL byte"
    return None


def _lines(text: str, buf: list[str]) -> Iterator[str]:
    for line in io.StringIO(text, newline=""):
        buf.append(line)
        yield line


def _delimiter_hint(header: str, expected: str) -> str:
    counts = {d: header.count(d) for d in _DELIMITERS if d != expected}
    best = max(counts, key=lambda d: counts[d])
    if counts[best]:
        return f"; the header looks {best!r}-delimited, the mapping expects {expected!r}"
    return ""


def read_csv(
    data: bytes,
    *,
    name: str,
    delimiter: str = ",",
    encoding: str = "utf-8",
    required: set[str] | frozenset[str] = frozenset(),
) -> Table:
    """Parse a delimited file; raise `FileRejected` when no row of it could be read correctly."""
    text = decode(data, encoding)
    if not text.strip():
        raise FileRejected(f"{name}: empty file")
    buf: list[str] = []
    reader = csv.reader(_lines(text, buf), delimiter=delimiter, strict=False)
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        raise FileRejected(f"{name}: unreadable header: {exc}") from exc
    header_text = "".join(buf)
    buf.clear()
    columns = tuple(h.strip() for h in header)
    if _SURROGATE.search(header_text):
        raise FileRejected(f"{name}: the header is not valid UTF-8")
    if len(set(columns)) != len(columns) or "" in columns:
        raise FileRejected(f"{name}: the header has blank or repeated column names")
    missing = sorted(set(required) - set(columns))
    if missing:
        hint = _delimiter_hint(header_text, delimiter) if len(columns) == 1 else ""
        raise FileRejected(f"{name}: missing column(s) {', '.join(missing)}{hint}")
    rows: list[RawRow] = []
    number = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # the parser cannot resynchronize: reject the file
            raise FileRejected(f"{name}: row {number + 1}: {exc}") from exc
        raw = "".join(buf)
        buf.clear()
        if not fields or fields == [""]:
            continue  # a blank line is not a record
        number += 1
        if len(fields) != len(columns):
            problem: tuple[str | None, str] | None = (
                None,
                f"ragged row: {len(fields)} fields, the header has {len(columns)}",
            )
            values = dict(zip(columns, fields, strict=False))
        else:
            values = dict(zip(columns, fields, strict=True))
            problem = _row_problem(values)
        rows.append(RawRow(number, values, readable(raw.rstrip("\r\n")), problem))
    return Table(name, columns, rows)


def flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested objects as dotted columns (`address.zip`), lists of scalars joined with `;`."""
    out: dict[str, str] = {}
    for k, v in obj.items():
        name = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, f"{name}."))
        elif isinstance(v, list) and all(not isinstance(x, dict | list) for x in v):
            out[name] = ";".join("" if x is None else str(x) for x in v)
        elif v is None:
            out[name] = ""
        elif isinstance(v, str):
            out[name] = v
        else:
            out[name] = json.dumps(v)
    return out


def read_jsonl(
    data: bytes,
    *,
    name: str,
    encoding: str = "utf-8",
    required: set[str] | frozenset[str] = frozenset(),
) -> Table:
    """JSON lines: one object per line; nested values are kept as JSON text."""
    text = decode(data, encoding)
    if not text.strip():
        raise FileRejected(f"{name}: empty file")
    rows: list[RawRow] = []
    columns: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        shown = readable(line)
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            rows.append(RawRow(number, {}, shown, (None, f"invalid JSON: {exc}")))
            continue
        values = flatten(obj)
        columns.update(dict.fromkeys(values))
        absent = sorted(set(required) - set(values))
        problem = (absent[0], "missing key field") if absent else _row_problem(values)
        rows.append(RawRow(number, values, shown, problem))
    return Table(name, tuple(columns), rows)
