"""Write tables byte-for-byte reproducibly: fixed line endings, key order and zip timestamps."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openhhs.synth.sources.base import Table

DELIMITERS = {"csv": ",", "hmis": ",", "tsv": "\t", "pipe": "|"}


def csv_bytes(columns: Iterable[str], rows: Iterable[Iterable[Any]], delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(columns)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def table_bytes(table: Table) -> bytes:
    if table.fmt == "jsonl":
        lines = [json.dumps(row, ensure_ascii=False) for row in table.rows]
        return ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8")
    return csv_bytes(table.columns, table.rows, DELIMITERS[table.fmt])


def write_table(out: Path, table: Table) -> None:
    path = out / table.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(table_bytes(table))


def write_zip(path: Path, members: list[Table], day: int) -> None:
    """An HMIS export zip whose bytes depend only on its contents (fixed member timestamps)."""
    d = dt.date.fromordinal(day)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for table in members:
            info = zipfile.ZipInfo(
                Path(table.path).name, date_time=(d.year, d.month, d.day, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, table_bytes(table))
