"""Every coded value the city writes is one docs/synthetic-city.md lists (ingest maps from it)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "synthetic-city.md"

# file -> delimiter, {column: allowed values ("" = missing)}
CODES: dict[str, tuple[str, dict[str, set[str]]]] = {
    "hra/wms_individuals.csv": (",", {
        "REL_CD": {f"{i:02d}" for i in range(1, 11)},
        "SEX_CD": {"M", "F", "U"},
        "SFX": {"", "JR", "SR", "II", "III"},
        "RACE_CD": set("WBAIPMOU"),
        "HISP_IND": {"Y", "N", "U"},
        "LANG_CD": {"ENG", "SPA", "CHI", "RUS", "BEN", "ARA", "HAT", "KOR", "UNK"},
    }),
    "hra/wms_cases.csv": (",", {
        "CASE_STATUS": {"AC", "CL", "SU", "AP"},
        "HOUSING_TYPE": {f"{i:02d}" for i in range(1, 9)},
        "RENT_FREQ": {"", "M", "W", "B", "S", "Y"},
        "HEAT_INCL_IND": {"Y", "N"},
    }),
    "hra/wms_program_enrollments.csv": (",", {
        "PGM_CD": {"CA", "SNAP", "MA"},
        "PGM_STATUS": {"AC", "CL", "SU", "AP", "DN"},
    }),
    "hra/wms_income.csv": (",", {
        "INC_TYPE_CD": {"EW", "SE", "UI", "PA", "CS", "SI", "SD", "SR", "SV", "VB", "PN", "WC"},
        "FREQ_CD": {"W", "B", "S", "M", "Y"},
    }),
    "acs/connections_person.txt": ("|", {
        "CD_PERSON_SEX": {"M", "F", "U"},
        "CD_PERSON_ETHNICITY": {"HS", "NH", "UD"},
        "CD_PERSON_ROLE": {"CH", "PA", "CG"},
    }),
    "acs/connections_stage.txt": ("|", {
        "CD_STAGE": {"INV", "FSS", "FC"},
        "CD_STAGE_STATUS": {"OPN", "CLD"},
    }),
    "acs/connections_placement.txt": ("|", {"CD_PLCMT_TYPE": {"FBH", "KIN", "RES"}}),
    "doe/ats_student_bio.csv": (",", {
        "SEX": {"", "M", "F", "X"},
        "ETHNIC_CODE": set("ABHIPWEMU"),
        "HOME_LANG": {"NO", "SP", "CH", "RU", "BE", "AR", "HC", "KO"},
    }),
    "doe/ats_enrollment.csv": (",", {
        "GRADE_LEVEL": {"PK", "0K"} | {f"{g:02d}" for g in range(1, 13)},
        "DISCHARGE_CODE": {"", "GR", "TR", "LV"},
    }),
    "nycha/nycha_household_members.tsv": ("\t", {
        "GENDER": {"MALE", "FEMALE", "UNKNOWN"},
        "RELATIONSHIP": {"HEAD", "SPOUSE", "CO-HEAD", "SON", "DAUGHTER", "GRANDCHILD", "PARENT",
                         "BROTHER", "SISTER", "OTHER RELATIVE", "NON-RELATIVE"},
    }),
    "nycha/nycha_tenancies.tsv": ("\t", {
        "PROGRAM": {"PH", "S8"},
        "BOROUGH": {"MANHATTAN", "BRONX", "BROOKLYN", "QUEENS", "STATEN ISLAND"},
    }),
    "doc/doc_admissions.csv": (",", {
        "SEX": {"", "M", "F"},
        "RACE": set("BWAIHOU"),
        "FACILITY": {"AMKC", "EMTC", "GRVC", "OBCC", "RMSC", "RNDC", "VCBC"},
    }),
    "dfta/dfta_clients.csv": (",", {
        "GENDER": {"", "M", "F"},
        "PRIMARY_LANGUAGE": {"English", "Spanish", "Chinese", "Russian", "Bengali", "Arabic",
                             "Haitian Creole", "Korean"},
        "LIVES_ALONE": {"Y", "N"},
    }),
    "dfta/dfta_services.csv": (",", {"SERVICE_TYPE": {"HDM", "CM", "SC", "HC"}}),
}  # fmt: skip

DOHMH = {
    "sex_at_birth": {"female", "male", "unknown"},
    "gender_identity": {"woman", "man", "non_binary", "transgender", "declined"},
    "primary_language": {"en", "es", "zh", "ru", "bn", "ar", "ht", "ko"},
}
SPD15 = {"American Indian or Alaska Native", "Asian", "Black or African American",
         "Hispanic or Latino", "Middle Eastern or North African",
         "Native Hawaiian or Pacific Islander", "White"}  # fmt: skip


@pytest.fixture
def city(shared_city: tuple[Path, object]) -> Path:
    return shared_city[0]


@pytest.mark.parametrize("rel", sorted(CODES))
def test_coded_columns_use_documented_values(city: Path, rel: str) -> None:
    delimiter, columns = CODES[rel]
    with (city / rel).open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter=delimiter))
    assert rows, rel
    for column, allowed in columns.items():
        seen = {row[column] for row in rows}
        assert seen <= allowed, f"{rel} {column}: undocumented {sorted(seen - allowed)}"
    assert rel.split("/")[1] in DOC.read_text(encoding="utf-8")


def test_dohmh_and_hmis_codes(city: Path) -> None:
    clients = [json.loads(x) for x in (city / "dohmh/mh_clients.jsonl").read_text().splitlines()]
    for key, allowed in DOHMH.items():
        assert {c[key] for c in clients} <= allowed, key
    assert {r for c in clients for r in c["race"]} <= SPD15
    with zipfile.ZipFile(city / "dhs/hmis_export.zip") as zf:
        clients_h = list(csv.DictReader(io.TextIOWrapper(zf.open("Client.csv"), "utf-8")))
        enrollments = list(csv.DictReader(io.TextIOWrapper(zf.open("Enrollment.csv"), "utf-8")))
        exits = list(csv.DictReader(io.TextIOWrapper(zf.open("Exit.csv"), "utf-8")))
    for c in clients_h:
        assert c["SSNDataQuality"] in {"1", "2", "8", "9", "99"}
        assert c["DOBDataQuality"] in {"1", "2", "8", "9", "99"}
        assert (c["DOB"] == "") == (c["DOBDataQuality"] == "99")
        assert c["SSNDataQuality"] != "2" or re.fullmatch(r"x{5}\d{4}", c["SSN"])
    assert {e["RelationshipToHoH"] for e in enrollments} <= {"1", "2", "3", "4", "5"}
    assert {e["LivingSituation"] for e in enrollments} <= {
        "", "116", "101", "207", "312", "313", "410", "435", "422"}  # fmt: skip
    assert {x["Destination"] for x in exits} <= {"410", "435", "422", "423", "116", "207", "101",
                                                 "17", "30"}  # fmt: skip


def test_every_file_header_is_written_out_in_the_layout_doc(shared_city) -> None:  # type: ignore[no-untyped-def]
    """The doc is what ingest mappings are written from: headers must match it verbatim."""
    out, manifest = shared_city
    doc = DOC.read_text(encoding="utf-8")
    for rel, info in manifest.files.items():
        if not info["source"] or rel.endswith(".zip"):
            continue
        first = (out / rel).read_text(encoding="utf-8").splitlines()[0]
        if rel.endswith(".jsonl"):
            for key in json.loads(first):
                assert key in doc, f"{rel}: key {key} not documented"
        else:
            assert f"`{first}`" in doc, f"{rel}: header differs from docs/synthetic-city.md"
