"""`link-file`: run a standalone CSV of person records through the CCI (PRODUCT.md §4).

Input columns (header row, UTF-8; all may be empty except `source` and `record_id`):
`source,record_id,first_name,middle_name,last_name,suffix,dob,sex,ssn,phone,street,unit,city,state,zip`.
Output: one row per input row, in input order, `source,record_id,enterprise_id`. No database: the
bundled default model (or `model=`) and an in-memory DuckDB do the work. Nothing is dropped:
malformed rows are reported and written with an Enterprise ID of their own (never linked).
"""

from __future__ import annotations

import csv
import io
import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openhhs.errors import InvalidInput
from openhhs.linkage.batch import link
from openhhs.linkage.frame import feature_frame
from openhhs.linkage.modelfile import LinkageModel, default_model

INPUT_COLUMNS: tuple[str, ...] = (
    "source",
    "record_id",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "dob",
    "sex",
    "ssn",
    "phone",
    "street",
    "unit",
    "city",
    "state",
    "zip",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("source", "record_id")
OUTPUT_COLUMNS: tuple[str, ...] = ("source", "record_id", "enterprise_id")
MAX_REPORTED = 50  # problems listed one by one; the rest are counted


@dataclass
class Problem:
    line: int  # line number in the input file (header = 1)
    record_id: str
    message: str


@dataclass
class LinkFileReport:
    rows: int = 0
    people: int = 0  # distinct Enterprise IDs written
    linked_rows: int = 0  # rows sharing their Enterprise ID with at least one other row
    unlinkable_rows: int = 0  # too little identity to link (kept, own Enterprise ID)
    malformed_rows: int = 0
    review_pairs: int = 0
    largest_cluster: int = 0
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


def _new_id() -> str:
    """A random surrogate in the CCI's Enterprise ID format (never derived from the record)."""
    try:
        from openhhs.cci.registry import new_enterprise_id
    except ImportError:  # the CCI is optional for a standalone file
        alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
        return "E" + "".join(secrets.choice(alphabet) for _ in range(12))
    return new_enterprise_id()


def read_link_csv(path: Path) -> tuple[list[dict[str, Any]], list[str], list[Problem]]:
    """Rows (with `_line` and `_malformed`), warnings, problems; raises InvalidInput if unusable."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path} is not UTF-8 text (byte {exc.start})") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InvalidInput(f"{path} is empty: a header row is required") from None
    except csv.Error as exc:
        raise InvalidInput(f"{path}: unreadable header: {exc}") from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(
            f"{path}: missing required column(s): {', '.join(missing)} "
            f"(expected header: {','.join(INPUT_COLUMNS)})"
        )
    dupes = [c for c, n in Counter(header).items() if n > 1]
    if dupes:
        raise InvalidInput(f"{path}: column(s) appear twice in the header: {', '.join(dupes)}")
    warnings: list[str] = []
    extra = [c for c in header if c not in INPUT_COLUMNS]
    if extra:
        warnings.append(f"ignored unknown column(s): {', '.join(extra)}")
    absent = [c for c in INPUT_COLUMNS if c not in header]
    if absent:
        warnings.append(f"column(s) not in the file, treated as empty: {', '.join(absent)}")

    rows: list[dict[str, Any]] = []
    problems: list[Problem] = []
    line = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InvalidInput(f"{path}: line {reader.line_num}: {exc}") from exc
        line = reader.line_num
        if not values:
            continue  # a blank line is not a record
        row: dict[str, Any] = {c: "" for c in INPUT_COLUMNS}
        row.update({h: v.strip() for h, v in zip(header, values, strict=False) if h in row})
        row["_line"] = line
        row["_malformed"] = False
        if len(values) != len(header):
            row["_malformed"] = True
            problems.append(
                Problem(line, row["record_id"], f"{len(values)} fields, header has {len(header)}")
            )
        if not row["source"] or not row["record_id"]:
            row["_malformed"] = True
            problems.append(Problem(line, row["record_id"], "source and record_id are required"))
        rows.append(row)

    keys = Counter((r["source"], r["record_id"]) for r in rows if r["source"] and r["record_id"])
    repeated = [k for k, n in keys.items() if n > 1]
    if repeated:
        shown = ", ".join(f"{s}/{r}" for s, r in repeated[:10])
        more = f" and {len(repeated) - 10} more" if len(repeated) > 10 else ""
        raise InvalidInput(
            f"{path}: duplicate (source, record_id): {shown}{more}; each record must appear once",
            details={"duplicates": [list(k) for k in repeated]},
        )
    return rows, warnings, problems


def link_file(
    input_csv: Path,
    output_csv: Path,
    *,
    model: LinkageModel | None = None,
    review_csv: Path | None = None,
) -> LinkFileReport:
    """Link the records of `input_csv` and write `source,record_id,enterprise_id` rows."""
    rows, warnings, problems = read_link_csv(Path(input_csv))
    report = LinkFileReport(rows=len(rows), warnings=warnings)
    model = model or default_model()

    frame = feature_frame(rows, keep=("_line", "_malformed", "record_id", "source"))
    frame.loc[frame["_malformed"].astype(bool), "linkable"] = False
    for line, rid, flags in zip(frame["_line"], frame["record_id"], frame["flags"], strict=True):
        for flag in filter(None, str(flags).split(";")):
            if flag.endswith(("unparseable", "absurd", "invalid")):
                problems.append(Problem(int(line), str(rid), flag.replace(":", ": ")))
    report.malformed_rows = int(frame["_malformed"].sum())
    report.unlinkable_rows = int((~frame["linkable"]).sum())

    result = link(frame, model)
    cluster_ids = result.clusters["cluster_id"].tolist()
    eid_of: dict[Any, str] = {}
    sizes = Counter(cluster_ids)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for row, cid in zip(rows, cluster_ids, strict=True):
        if cid not in eid_of:
            eid_of[cid] = _new_id()
        writer.writerow((row["source"], row["record_id"], eid_of[cid]))
    output_csv = Path(output_csv)
    output_csv.parent.mkdir(parents=True, exist_ok=True)
    output_csv.write_text(out.getvalue(), encoding="utf-8")

    if review_csv is not None:
        _write_review(Path(review_csv), rows, result.review, eid_of, cluster_ids)
    report.people = len(eid_of)
    report.linked_rows = sum(n for n in sizes.values() if n > 1)
    report.largest_cluster = max(sizes.values(), default=0)
    report.review_pairs = len(result.review)
    report.problems = sorted(problems, key=lambda p: p.line)
    report.stats = result.stats
    return report


def _write_review(
    path: Path,
    rows: list[dict[str, Any]],
    review: Any,
    eid_of: dict[Any, str],
    cluster_ids: list[Any],
) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(
            [
                "source_l",
                "record_id_l",
                "enterprise_id_l",
                "source_r",
                "record_id_r",
                "enterprise_id_r",
                "match_weight",
                "match_probability",
                "reason",
            ]
        )
        for r in review.itertuples(index=False):
            left, right = rows[int(r.unique_id_l)], rows[int(r.unique_id_r)]
            writer.writerow(
                [
                    left["source"],
                    left["record_id"],
                    eid_of[cluster_ids[int(r.unique_id_l)]],
                    right["source"],
                    right["record_id"],
                    eid_of[cluster_ids[int(r.unique_id_r)]],
                    f"{r.match_weight:.4f}",
                    f"{r.match_probability:.6f}",
                    r.reason,
                ]
            )
