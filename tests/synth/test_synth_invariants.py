"""No impossible rows: every span ends after it starts and nobody is recorded before birth.

Planted errors are about *people* (names, DOBs, SSNs); event rows must pass ingest's checks, or
the quarantine would hide what linkage should see.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openhhs.synth import generate


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def _d(value: str, fmt: str) -> dt.date | None:
    return dt.datetime.strptime(value, fmt).date() if value else None


def check_spans(out: Path) -> None:
    spans: list[tuple[str, dt.date | None, dt.date | None]] = []
    for r in _rows(out / "hra/wms_program_enrollments.csv"):
        spans.append(("hra", _d(r["START_DT"], "%m/%d/%Y"), _d(r["END_DT"], "%m/%d/%Y")))
    for r in _rows(out / "acs/connections_stage.txt", "|"):
        spans.append(("acs", _d(r["DT_STAGE_START"], "%Y%m%d"), _d(r["DT_STAGE_CLOSE"], "%Y%m%d")))
    for r in _rows(out / "acs/connections_placement.txt", "|"):
        spans.append(("plc", _d(r["DT_PLCMT_START"], "%Y%m%d"), _d(r["DT_PLCMT_END"], "%Y%m%d")))
    for r in _rows(out / "doe/ats_enrollment.csv"):
        spans.append(("doe", _d(r["ADMIT_DATE"], "%m/%d/%Y"), _d(r["DISCHARGE_DATE"], "%m/%d/%Y")))
    for r in _rows(out / "nycha/nycha_household_members.tsv", "\t"):
        spans.append(
            ("nycha", _d(r["MOVE_IN_DATE"], "%d-%b-%Y"), _d(r["MOVE_OUT_DATE"], "%d-%b-%Y"))
        )
    for r in _rows(out / "doc/doc_admissions.csv"):
        fmt = "%m/%d/%Y %H:%M"
        spans.append(("doc", _d(r["ADMISSION_DT"], fmt), _d(r["DISCHARGE_DT"], fmt)))
    for r in _rows(out / "dfta/dfta_services.csv"):
        spans.append(("dfta", _d(r["START_DATE"], "%m/%d/%Y"), _d(r["END_DATE"], "%m/%d/%Y")))
    for line in (out / "dohmh/mh_episodes.jsonl").read_text().splitlines():
        e = json.loads(line)
        end = dt.date.fromisoformat(e["discharge_date"]) if e["discharge_date"] else None
        spans.append(("mh", dt.date.fromisoformat(e["admission_date"]), end))
        assert (e["status"] == "open") == (end is None)
    with zipfile.ZipFile(out / "dhs/hmis_export.zip") as zf:
        entries = {
            e["EnrollmentID"]: dt.date.fromisoformat(e["EntryDate"])
            for e in csv.DictReader(io.TextIOWrapper(zf.open("Enrollment.csv"), "utf-8"))
        }
        for x in csv.DictReader(io.TextIOWrapper(zf.open("Exit.csv"), "utf-8")):
            spans.append(("hmis", entries[x["EnrollmentID"]], dt.date.fromisoformat(x["ExitDate"])))
    for kind, start, end in spans:
        assert start is not None, kind
        assert end is None or end >= start, (kind, start, end)


def check_births(out: Path) -> None:
    """Nobody is recorded before they were born (by their true birthday, via the link file)."""
    manifest = json.loads((out / "manifest.json").read_text())
    as_of = dt.date.fromisoformat(manifest["as_of"])
    for r in _rows(out / "link_file.csv"):
        if r["dob"]:
            assert dt.date.fromisoformat(r["dob"]) <= as_of, r


def test_shared_city_has_no_impossible_rows(shared_city) -> None:  # type: ignore[no-untyped-def]
    out, _ = shared_city
    check_spans(out)
    check_births(out)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**31), extract=st.integers(1, 3))
def test_any_seed_has_no_impossible_rows(tmp_path_factory, seed: int, extract: int) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("inv")
    generate(people=400, seed=seed, out=out, extract=extract)
    check_spans(out)
    check_births(out)
