"""The Benefits Screening API bulk CSV: one household per row, flattened field names.

Columns follow the API's bulk-upload sample: `caseId`, `Household.<field>`,
`<n>.Person.<field>`, `<n>.Person.incomes.<k>.amount|type|frequency`,
`<n>.Person.expenses.<k>.amount|type|frequency`, `WithholdPayload`. All valid rows are screened
together in one vectorized pass; invalid rows come back with their errors, never dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import numpy as np

from openhhs.screening.build import frame_from_items
from openhhs.screening.catalog import PROGRAMS
from openhhs.screening.engine import screen_frame
from openhhs.screening.rules._base import RULES, Status
from openhhs.screening.schemas import (
    HouseholdIn,
    PersonIn,
    RequestInvalid,
    ScreeningItem,
    parse_request,
)

MAX_PERSONS = 8
MAX_ITEMS = 4  # incomes/expenses per person in the export
HOUSEHOLD_FIELDS = [f for f in HouseholdIn.model_fields if f not in ("expenses", "members")]
PERSON_FIELDS = [f for f in PersonIn.model_fields if f not in ("incomes", "expenses")]
_PERSON_COL = re.compile(r"^(\d+)\.Person\.(\w+)(?:\.(\d+)\.(amount|type|frequency))?$")


def _value(raw: str) -> Any:
    """CSV cells are text: booleans and numbers are read back, empty means "not given"."""
    text = raw.strip()
    if text == "":
        return None
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    return text


def row_to_body(row: dict[str, str]) -> list[dict[str, Any]]:
    """One CSV row -> a NYC-API request body (validation happens later, as for JSON)."""
    household: dict[str, Any] = {}
    persons: dict[int, dict[str, Any]] = {}
    withhold = None
    for col, raw in row.items():
        if col is None:
            continue
        val = _value(raw or "")
        if val is None:
            continue
        if col == "caseId":
            household["caseId"] = str(val)
        elif col == "WithholdPayload":
            withhold = val
        elif col.startswith("Household."):
            household[col.removeprefix("Household.")] = val
        elif m := _PERSON_COL.match(col):
            n, name, k, part = int(m[1]), m[2], m[3], m[4]
            person = persons.setdefault(n, {})
            if k is None:
                person[name] = int(val) if name == "age" and str(val).isdigit() else val
            else:
                items = person.setdefault(name, {})
                items.setdefault(int(k), {})[part] = val
    people = []
    for n in sorted(persons):
        p = persons[n]
        for listed in ("incomes", "expenses"):
            if listed in p:
                p[listed] = [p[listed][k] for k in sorted(p[listed])]
        people.append(p)
    body: dict[str, Any] = {"household": [household], "person": people}
    if withhold is not None:
        body["withholdPayload"] = withhold
    return [body]


def screen_csv(text: str, as_of: dt.date) -> str:
    """Screen every row of a bulk CSV; answer a CSV with one row per input row."""
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    parsed: list[tuple[str, Any]] = []
    valid: list[ScreeningItem] = []
    for i, row in enumerate(rows):
        case_id = (row.get("caseId") or "").strip() or str(i + 1)
        try:
            item = parse_request(row_to_body(row))[0]
        except RequestInvalid as exc:
            parsed.append((case_id, exc.errors))
            continue
        parsed.append((case_id, len(valid)))
        valid.append(item)
    keys = sorted(RULES, key=lambda k: (RULES[k].extension, PROGRAMS[k].code))
    codes = [PROGRAMS[k].code for k in keys]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["caseId", "type", "eligiblePrograms", "errors", *codes])
    result = screen_frame(frame_from_items(valid), as_of) if valid else None
    shown = (Status.ELIGIBLE, Status.LIKELY)
    for case_id, ref in parsed:
        if isinstance(ref, list):
            msg = " | ".join(f"{e['elementPath']}: {e['message']}" for e in ref)
            writer.writerow([case_id, "FAILURE", "", msg, *([""] * len(codes))])
            continue
        assert result is not None
        statuses = [Status(int(result.results[k].status[ref])) for k in keys]
        eligible = [
            PROGRAMS[k].code
            for k, s in zip(keys, statuses, strict=True)
            if s in shown and not RULES[k].extension
        ]
        writer.writerow([case_id, "SUCCESS", " ".join(eligible), "", *[s.label for s in statuses]])
    return out.getvalue()


def body_to_row(body: list[dict[str, Any]]) -> dict[str, str]:
    """The inverse of `row_to_body`, for exporting requests as bulk CSV rows."""
    item = body[0]
    house = item["household"][0]
    row: dict[str, str] = {"caseId": str(house.get("caseId") or "")}
    for f in HOUSEHOLD_FIELDS:
        if f != "caseId" and house.get(f) is not None:
            row[f"Household.{f}"] = _cell(house[f])
    for n, person in enumerate(item["person"], start=1):
        for f in PERSON_FIELDS:
            if person.get(f) is not None:
                row[f"{n}.Person.{f}"] = _cell(person[f])
        for listed in ("incomes", "expenses"):
            for k, entry in enumerate(person.get(listed, []), start=1):
                for part in ("amount", "type", "frequency"):
                    row[f"{n}.Person.{listed}.{k}.{part}"] = _cell(entry[part])
    if item.get("withholdPayload") is not None:
        row["WithholdPayload"] = _cell(item["withholdPayload"])
    return row


def _cell(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def header() -> list[str]:
    cols = ["caseId", *[f"Household.{f}" for f in HOUSEHOLD_FIELDS if f != "caseId"]]
    for n in range(1, MAX_PERSONS + 1):
        cols += [f"{n}.Person.{f}" for f in PERSON_FIELDS]
        for listed in ("incomes", "expenses"):
            for k in range(1, MAX_ITEMS + 1):
                cols += [
                    f"{n}.Person.{listed}.{k}.{part}" for part in ("amount", "type", "frequency")
                ]
    return [*cols, "WithholdPayload"]


def export_csv(bodies: list[list[dict[str, Any]]]) -> str:
    """Write requests as a bulk CSV (columns beyond the data are left empty)."""
    rows = [body_to_row(b) for b in bodies]
    cols = header()
    extra = sorted({c for r in rows for c in r} - set(cols))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*cols, *extra], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def status_counts(text: str) -> dict[str, int]:
    """Summary of a screened CSV: rows per type (for the CLI)."""
    types = [r["type"] for r in csv.DictReader(io.StringIO(text))]
    values, counts = np.unique(np.array(types or ["none"]), return_counts=True)
    return {str(v): int(c) for v, c in zip(values, counts, strict=True)}
