"""The synthetic city's files: counts, truth coverage, each agency's native format, hard pairs."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from openhhs.errors import InvalidInput
from openhhs.synth import Manifest, generate
from openhhs.synth.sources import dhs

LINK_HEADER = (
    "source,record_id,first_name,middle_name,last_name,suffix,dob,sex,ssn,phone,street,unit,"
    "city,state,zip"
)


@pytest.fixture
def city(shared_city: tuple[Path, Manifest]) -> tuple[Path, Manifest]:
    return shared_city


def read_rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def person_keys(out: Path) -> dict[str, list[str]]:
    """Every person-file key, per source, read back from the native files."""
    keys: dict[str, list[str]] = {}
    keys["HRA"] = [r["CIN"] for r in read_rows(out / "hra/wms_individuals.csv")]
    keys["ACS"] = [r["ID_PERSON"] for r in read_rows(out / "acs/connections_person.txt", "|")]
    keys["DOE"] = [r["STUDENT_ID"] for r in read_rows(out / "doe/ats_student_bio.csv")]
    keys["NYCHA"] = [
        r["MEMBER_ID"] for r in read_rows(out / "nycha/nycha_household_members.tsv", "\t")
    ]
    keys["DOC"] = [r["BOOK_CASE_NUM"] for r in read_rows(out / "doc/doc_admissions.csv")]
    keys["DFTA"] = [r["CLIENT_NO"] for r in read_rows(out / "dfta/dfta_clients.csv")]
    lines = (out / "dohmh/mh_clients.jsonl").read_text().splitlines()
    keys["DOHMH"] = [json.loads(line)["client_id"] for line in lines]
    with zipfile.ZipFile(out / "dhs/hmis_export.zip") as zf:
        clients = list(csv.DictReader(io.TextIOWrapper(zf.open("Client.csv"), "utf-8")))
    keys["DHS"] = [c["PersonalID"] for c in clients if not c["DateDeleted"]]
    return keys


def test_every_person_record_is_in_ground_truth_and_link_file_once(city) -> None:
    out, manifest = city
    truth = read_rows(out / "ground_truth.csv")
    links = read_rows(out / "link_file.csv")
    truth_keys = Counter((r["source"], r["record_id"]) for r in truth)
    link_keys = Counter((r["source"], r["record_id"]) for r in links)
    native = Counter((s, k) for s, ks in person_keys(out).items() for k in ks)
    assert max(native.values()) == 1, "a person key repeats inside its own file"
    assert truth_keys == native == link_keys
    assert {r["source"] for r in truth} == {"HRA", "DHS", "ACS", "DOE", "NYCHA", "DOHMH", "DOC",
                                            "DFTA"}  # fmt: skip
    assert all(re.fullmatch(r"P\d{8}", r["person_id"]) for r in truth)
    assert manifest.records == dict(sorted(Counter(s for s, _ in native).items()))


def test_manifest_row_counts_match_the_files(city) -> None:
    out, manifest = city
    on_disk = Manifest.load(out)
    assert on_disk.to_json() == manifest.to_json()
    for rel, info in manifest.files.items():
        path = out / rel
        assert path.exists(), rel
        if rel.endswith(".zip"):
            with zipfile.ZipFile(path) as zf:
                for member, rows in info["members"].items():
                    text = zf.read(member).decode("utf-8")
                    assert len(text.splitlines()) - 1 == rows, member
        elif rel.endswith(".jsonl"):
            assert len(path.read_text().splitlines()) == info["rows"], rel
        else:
            delimiter = {"tsv": "\t", "pipe": "|"}.get(info["format"], ",")
            assert len(read_rows(path, delimiter)) == info["rows"], rel


def test_link_file_schema_is_exact(city) -> None:
    out, _ = city
    lines = (out / "link_file.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == LINK_HEADER
    for row in read_rows(out / "link_file.csv"):
        assert row["dob"] == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["dob"])
        assert row["sex"] in ("", "M", "F", "X")
        assert row["zip"] == "" or re.fullmatch(r"\d{5}", row["zip"])
        assert row["source"] and row["record_id"]
    doe = [r for r in read_rows(out / "link_file.csv") if r["source"] == "DOE"]
    assert doe and all(r["ssn"] == "" for r in doe)


def test_hmis_zip_has_the_fy2024_files_and_headers(city) -> None:
    out, _ = city
    with zipfile.ZipFile(out / "dhs/hmis_export.zip") as zf:
        names = set(zf.namelist())
        assert {"Export.csv", "Client.csv", "Enrollment.csv", "Exit.csv", "Services.csv",
                "Project.csv", "Organization.csv"} <= names  # fmt: skip
        headers = {n: zf.read(n).decode("utf-8").splitlines()[0].split(",") for n in names}
        export = list(csv.DictReader(io.StringIO(zf.read("Export.csv").decode("utf-8"))))
        enrollments = list(csv.DictReader(io.StringIO(zf.read("Enrollment.csv").decode())))
        exits = list(csv.DictReader(io.StringIO(zf.read("Exit.csv").decode())))
    assert headers["Client.csv"] == list(dhs.CLIENT_COLUMNS)
    assert "HispanicLatinaeo" in headers["Client.csv"] and "Sex" not in headers["Client.csv"]
    first = ["EnrollmentID", "PersonalID", "ProjectID", "EntryDate", "HouseholdID"]
    assert headers["Enrollment.csv"][:5] == first
    for name, header in headers.items():
        assert name == "Export.csv" or header[-1] == "ExportID", name
    assert export[0]["CSVVersion"] == "2024"
    entry = {e["EnrollmentID"]: e["EntryDate"] for e in enrollments}
    assert enrollments and all(
        re.fullmatch(r"\d{4}-\d{2}-\d{2}", e["EntryDate"]) for e in enrollments
    )
    assert all(x["ExitDate"] >= entry[x["EnrollmentID"]] for x in exits)
    by_household = defaultdict(list)
    for e in enrollments:
        by_household[e["HouseholdID"]].append(e["RelationshipToHoH"])
    assert all(rels.count("1") == 1 for rels in by_household.values())


def test_each_agency_writes_its_own_formats(city) -> None:
    out, _ = city
    hra = read_rows(out / "hra/wms_individuals.csv")
    assert all(re.fullmatch(r"[A-Z]{2}\d{5}[A-Z]", r["CIN"]) for r in hra)
    assert all(r["DOB"] == "" or re.fullmatch(r"\d{2}/\d{2}/\d{4}", r["DOB"]) for r in hra)
    assert {r["SEX_CD"] for r in hra} <= {"M", "F", "U"}
    acs = read_rows(out / "acs/connections_person.txt", "|")
    assert all(
        r["DT_PERSON_BIRTH"] == "" or re.fullmatch(r"\d{8}", r["DT_PERSON_BIRTH"]) for r in acs
    )
    assert any(re.fullmatch(r"\d{3}-\d{2}-\d{4}", r["NBR_PERSON_ID_SSN"]) for r in acs)
    doe_header = (out / "doe/ats_student_bio.csv").read_text().splitlines()[0]
    assert "SSN" not in doe_header
    doe = read_rows(out / "doe/ats_student_bio.csv")
    assert any(re.fullmatch(r"\d{1}/\d{1,2}/\d{4}", r["BIRTH_DATE"]) for r in doe)
    nycha = read_rows(out / "nycha/nycha_household_members.tsv", "\t")
    assert all(r["DOB"] == "" or re.fullmatch(r"\d{2}-[A-Z]{3}-\d{4}", r["DOB"]) for r in nycha)
    assert {r["GENDER"] for r in nycha} <= {"MALE", "FEMALE", "UNKNOWN"}
    doc = read_rows(out / "doc/doc_admissions.csv")
    assert all(r["DATE_OF_BIRTH"] == "" or re.fullmatch(r"\d{8}", r["DATE_OF_BIRTH"]) for r in doc)
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", r["ADMISSION_DT"]) for r in doc)
    dfta = read_rows(out / "dfta/dfta_clients.csv")
    assert all(", " in r["CLIENT_NAME"] for r in dfta)
    assert all(r["SSN_LAST4"] == "" or re.fullmatch(r"\d{4}", r["SSN_LAST4"]) for r in dfta)
    clients = [json.loads(x) for x in (out / "dohmh/mh_clients.jsonl").read_text().splitlines()]
    assert all(isinstance(c["race"], list) and "zip" in c["address"] for c in clients)
    assert all(c["phone"] is None or re.fullmatch(r"\+1\d{10}", c["phone"]) for c in clients)


def test_recording_errors_and_duplicates_are_there(city) -> None:
    out, _ = city
    truth = {
        (r["source"], r["record_id"]): r["person_id"] for r in read_rows(out / "ground_truth.csv")
    }
    links = read_rows(out / "link_file.csv")
    firsts: dict[str, set[str]] = defaultdict(set)
    dobs: dict[str, set[str]] = defaultdict(set)
    per_source: Counter[tuple[str, str]] = Counter()
    for row in links:
        pid = truth[(row["source"], row["record_id"])]
        firsts[pid].add(row["first_name"].upper())
        if row["dob"]:
            dobs[pid].add(row["dob"])
        per_source[(row["source"], pid)] += 1
    assert sum(len(v) > 1 for v in firsts.values()) > 20  # nicknames and typos
    assert sum(len(v) > 1 for v in dobs.values()) > 5  # swapped day/month, wrong digits
    dup_sources = {s for (s, _), n in per_source.items() if n > 1}
    assert {"HRA", "DOE", "DOC"} <= dup_sources  # within-source duplicates
    ssns = Counter(r["ssn"].replace("-", "") for r in links if r["ssn"])
    assert any(s in ssns for s in ("000000000", "999999999", "123456789", "111111111"))
    assert any(" " in r["last_name"] or "-" in r["last_name"] for r in links)  # compound names


def test_hard_pairs_are_planted(city) -> None:
    out, manifest = city
    pairs = read_rows(out / "hard_pairs.csv")
    kinds = Counter(p["kind"] for p in pairs)
    assert set(kinds) == {"twins", "junior_senior", "same_name_same_dob"}
    assert manifest.hard_pairs == dict(sorted(kinds.items()))
    assert all(p["person_id_a"] != p["person_id_b"] for p in pairs)


def test_income_rent_and_household_for_screening(city) -> None:
    out, _ = city
    income = read_rows(out / "hra/wms_income.csv")
    assert {r["INC_TYPE_CD"] for r in income} >= {"EW", "SR"}
    assert {r["FREQ_CD"] for r in income} >= {"W", "B", "M"}
    cases = read_rows(out / "hra/wms_cases.csv")
    assert any(c["RENT_AMT"] for c in cases) and {c["HOUSING_TYPE"] for c in cases} >= {"01", "02"}
    members = Counter(r["CASE_NUM"] for r in read_rows(out / "hra/wms_individuals.csv"))
    assert all(int(c["HH_SIZE"]) == members[c["CASE_NUM"]] for c in cases)
    enrl = read_rows(out / "hra/wms_program_enrollments.csv")
    assert all(e["WORKER_EMAIL"].endswith("@hra.nyc.gov") for e in enrl)


@pytest.mark.parametrize("people", [0, -5])
def test_bad_sizes_are_refused(tmp_path: Path, people: int) -> None:
    with pytest.raises(InvalidInput):
        generate(people=people, seed=1, out=tmp_path)


def test_zip_codes_are_real_nyc_zips(city) -> None:
    """Enrichment works on ZIPs; only the planted ZIP typos (about 1%) may miss."""
    from openhhs.synth import data

    nyc = {z for zips in data.nyc_zips().values() for z, _city in zips}
    assert {dev[3] for dev in data.NYCHA_DEVELOPMENTS} <= nyc
    out, _ = city
    zips = [r["zip"] for r in read_rows(out / "link_file.csv") if r["zip"]]
    assert zips and sum(z in nyc for z in zips) / len(zips) > 0.97


def test_hmis_fy2026_layout(tmp_path: Path) -> None:
    generate(people=600, seed=4, out=tmp_path, hmis_version=2026)
    manifest = Manifest.load(tmp_path)
    assert manifest.files["dhs/hmis_export.zip"]["format"] == "hmis-csv-fy2026"
    with zipfile.ZipFile(tmp_path / "dhs/hmis_export.zip") as zf:
        export = next(csv.DictReader(io.TextIOWrapper(zf.open("Export.csv"), "utf-8")))
        clients = list(csv.DictReader(io.TextIOWrapper(zf.open("Client.csv"), "utf-8")))
    assert export["CSVVersion"] == "2026"
    header = list(clients[0])
    assert "Sex" in header and "HispanicLatinao" in header
    assert not {"Woman", "Man", "GenderNone", "HispanicLatinaeo"} & set(header)
    assert {c["Sex"] for c in clients} <= {"0", "1", "99"}
    with pytest.raises(InvalidInput):
        generate(people=10, seed=1, out=tmp_path / "x", hmis_version=2025)


def test_episodes_start_with_an_intake_assessment_and_agencies_overlap(city) -> None:
    out, _ = city
    episodes = [json.loads(x) for x in (out / "dohmh/mh_episodes.jsonl").read_text().splitlines()]
    services = [json.loads(x) for x in (out / "dohmh/mh_services.jsonl").read_text().splitlines()]
    intake = {
        (s["episode_id"], s["service_date"]) for s in services if s["service_type"] == "assessment"
    }
    assert all((e["episode_id"], e["admission_date"]) in intake for e in episodes)
    truth = read_rows(out / "ground_truth.csv")
    by_source: dict[str, set[str]] = defaultdict(set)
    for row in truth:
        by_source[row["source"]].add(row["person_id"])
    assert by_source["DOC"] & by_source["DHS"], "nobody booked has a shelter record"
    assert by_source["DOHMH"] & (by_source["DOC"] | by_source["DHS"])
