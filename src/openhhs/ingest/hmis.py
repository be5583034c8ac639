"""HUD HMIS CSV exports (FY2024 and FY2026) from a zip, with the usual HMIS checks.

The zip is read in memory through `safezip` (traversal, absolute paths and bombs refused), the
version comes from `Export.csv` (`CSVVersion`, else the Client header), and the member files are
joined the way HMIS means them: an Exit closes its Enrollment, the Project names the program, the
User is the case manager. The joined rows then go through the same spec -> store path as any
agency file, so lineage, idempotence, quarantine and tombstones (`DateDeleted`) work alike.

Checks (after Green River's importer validators): unique keys, allowed values, an exit must not
precede its entry, one head of household per household, references to known clients, projects
and enrollments. A failing row is quarantined; a household without a head is only warned about.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from sqlalchemy import Connection

from openhhs.ingest.readers import FileRejected, RawRow, Table, read_csv
from openhhs.ingest.safezip import read_zip
from openhhs.ingest.schemas import FileReport
from openhhs.ingest.spec import DeleteFlag, FieldSpec, FileSpec, HmisSpec, ProgramSpec, SourceSpec
from openhhs.ingest.store import ensure_programs
from openhhs.model.codes import BatchMode, ProgramArea

RACE_COLUMNS = {
    "AmIndAKNative": "AIAN",
    "Asian": "ASIAN",
    "BlackAfAmerican": "BLACK",
    "HispanicLatinaeo": "HISPANIC",  # FY2024 spelling
    "HispanicLatinao": "HISPANIC",  # FY2026 spelling
    "MidEastNAfrican": "MENA",
    "NativeHIPacific": "NHPI",
    "White": "WHITE",
}
GENDER_COLUMNS = {
    "Woman": "woman",
    "Man": "man",
    "NonBinary": "non binary",
    "CulturallySpecific": "culturally specific",
    "Transgender": "transgender",
    "Questioning": "questioning",
    "DifferentIdentity": "different identity",
}
MISSING = {"8": "dont_know", "9": "refused", "99": "not_collected"}
DATA_QUALITY = {"", "1", "2", "8", "9", "99"}
YES_NO = {"", "0", "1", "8", "9", "99"}
RELATIONSHIP = {
    "1": "HeadOfHousehold",
    "2": "Child",
    "3": "Spouse",
    "4": "Other",
    "5": "Unrelated",
}
VERSIONS = ("2024", "2026")
_DELETED = DeleteFlag(column="DateDeleted", any_value=True)


def detect_version(export: Table | None, client: Table) -> str:
    """'2024' or '2026' from Export.CSVVersion, else from the Client header (Sex = FY2026)."""
    raw = export.rows[0].values.get("CSVVersion", "") if export and export.rows else ""
    if raw.strip():
        found = re.search(r"20(\d\d)", raw) or re.fullmatch(r"\s*(\d\d)\s*", raw)
        year = f"20{found.group(1)}" if found else raw.strip()
        if year not in VERSIONS:
            raise FileRejected(f"unsupported HMIS CSV version {raw.strip()!r} (FY2024, FY2026)")
        return year
    return "2026" if "Sex" in client.columns else "2024"


def _problem(row: RawRow, field: str | None, reason: str) -> RawRow:
    return row if row.problem else dataclasses.replace(row, problem=(field, reason))


def _with(row: RawRow, **extra: str) -> RawRow:
    return dataclasses.replace(row, values={**row.values, **extra})


def prepare_clients(client: Table, version: str) -> Table:
    """Virtual columns from the one-flag-per-category layout; unknown codes become problems."""
    rows = []
    for row in client.rows:
        v = row.values
        for col in (*RACE_COLUMNS, *GENDER_COLUMNS, "RaceNone", "GenderNone"):
            if col in v and v[col].strip() not in YES_NO:
                row = _problem(row, col, f"{col} must be 0/1 or 8/9/99, not {v[col][:20]!r}")
        for col in ("NameDataQuality", "SSNDataQuality", "DOBDataQuality"):
            if v.get(col, "").strip() not in DATA_QUALITY:
                row = _problem(row, col, f"{col} {v[col][:20]!r} is not 1, 2, 8, 9 or 99")
        races = [code for col, code in RACE_COLUMNS.items() if v.get(col, "").strip() == "1"]
        genders = [g for col, g in GENDER_COLUMNS.items() if v.get(col, "").strip() == "1"]
        ssn_q, dob_q = v.get("SSNDataQuality", "").strip(), v.get("DOBDataQuality", "").strip()
        sex = v.get("Sex", "").strip() if version == "2026" else ""
        if sex and sex not in {"0", "1", "8", "9", "99"}:
            row = _problem(row, "Sex", f"Sex {sex[:20]!r} is not 0, 1, 8, 9 or 99")
        rows.append(
            _with(
                row,
                _race=";".join(races) or v.get("RaceNone", "").strip(),
                _gender=";".join(genders) or v.get("GenderNone", "").strip(),
                _ssn=ssn_q if ssn_q in MISSING else v.get("SSN", ""),
                _dob=dob_q if dob_q in MISSING else v.get("DOB", ""),
                _sex={"0": "F", "1": "M"}.get(sex, sex),
            )
        )
    return Table(client.name, client.columns, rows)


def prepare_enrollments(
    enrollment: Table,
    exits: Table | None,
    projects: Table | None,
    users: Table | None,
    hmis: HmisSpec,
    warnings: list[str],
) -> tuple[Table, Table | None, Table]:
    """Join exits, projects and users into enrollments; derive households; check HMIS rules."""
    proj = {r.values.get("ProjectID", ""): r.values for r in (projects.rows if projects else [])}
    user = {r.values.get("UserID", ""): r.values for r in (users.rows if users else [])}
    entry: dict[str, str] = {}
    project_of: dict[str, str] = {}
    for r in enrollment.rows:
        entry.setdefault(r.values.get("EnrollmentID", ""), r.values.get("EntryDate", ""))
        project_of.setdefault(r.values.get("EnrollmentID", ""), r.values.get("ProjectID", ""))
    exit_of: dict[str, RawRow] = {}
    exit_rows: list[RawRow] = []
    for r in exits.rows if exits else []:
        eid = r.values.get("EnrollmentID", "")
        deleted = bool(r.values.get("DateDeleted", "").strip())
        if eid not in entry:
            r = _problem(r, "EnrollmentID", f"exit for unknown enrollment {eid[:40]!r}")
        elif r.values.get("ExitDate", "") and r.values["ExitDate"] < entry[eid]:
            r = _problem(
                r,
                "ExitDate",
                f"exit {r.values['ExitDate']} is before entry {entry[eid]} (entry after exit)",
            )
        elif eid in exit_of and not deleted:
            r = _problem(r, "EnrollmentID", f"second exit for enrollment {eid[:40]!r}")
        if not r.problem and not deleted:
            exit_of[eid] = r
        office = proj.get(project_of.get(eid, ""), {}).get("ProjectName", "")
        exit_rows.append(_with(r, _office=office[:200]))
    heads: dict[str, list[int]] = {}
    prepared: list[RawRow] = []
    for r in enrollment.rows:
        v = r.values
        if v.get("DateDeleted", "").strip() == "" and v.get("RelationshipToHoH", "").strip() == "1":
            heads.setdefault(v.get("HouseholdID", ""), []).append(r.number)
    households: dict[str, RawRow] = {}
    for r in enrollment.rows:
        v = r.values
        rel = v.get("RelationshipToHoH", "").strip()
        if rel not in {*RELATIONSHIP, *MISSING}:
            r = _problem(r, "RelationshipToHoH", f"RelationshipToHoH {rel[:20]!r} is not allowed")
        hh = v.get("HouseholdID", "")
        if rel == "1" and r.number in heads.get(hh, [])[1:]:
            first = heads[hh][0]
            r = _problem(
                r, "RelationshipToHoH", f"second head of household {hh[:40]!r} (row {first})"
            )
        p = proj.get(v.get("ProjectID", ""))
        if p is None:
            r = _problem(r, "ProjectID", f"unknown project {v.get('ProjectID', '')[:40]!r}")
        p = p or {}
        ex = exit_of.get(v.get("EnrollmentID", ""))
        u = user.get(v.get("UserID", ""), {})
        ptype = p.get("ProjectType", "").strip()
        is_shelter = ptype.isdigit() and int(ptype) in hmis.shelter_project_types
        worker = " ".join(x for x in (u.get("UserFirstName", ""), u.get("UserLastName", "")) if x)
        row = _with(
            r,
            _program=f"{hmis.program_prefix}.{v.get('ProjectID', '')}"[:64],
            _status="closed" if ex else "active",
            _exit_date=ex.values.get("ExitDate", "") if ex else "",
            _office=p.get("ProjectName", "")[:200],
            _shelter="1" if is_shelter else "",
            _worker_name=worker,
            _worker_phone=u.get("UserPhone", ""),
            _worker_email=u.get("UserEmail", ""),
        )
        prepared.append(row)
        if hh.strip():
            deleted = bool(v.get("DateDeleted", "").strip())
            prev = households.get(hh)
            if prev is None or (prev.values["DateDeleted"] and not deleted):
                households[hh] = RawRow(
                    r.number,
                    {"HouseholdID": hh, "DateDeleted": v.get("DateDeleted", "") if deleted else ""},
                    f"HouseholdID {hh}",
                )
    for hh in households:
        if hh not in heads and not households[hh].values["DateDeleted"]:
            warnings.append(f"household {hh} has no head of household")
    hh_table = Table(
        enrollment.name + "#households", ("HouseholdID", "DateDeleted"), list(households.values())
    )
    exit_table = Table(exits.name, exits.columns, exit_rows) if exits else None
    return Table(enrollment.name, enrollment.columns, prepared), exit_table, hh_table


def _f(col: str, **kw: object) -> FieldSpec:
    return FieldSpec(column=col, **kw)


def specs(mode: BatchMode) -> dict[str, list[FileSpec]]:
    """The HMIS member files as file specs of the generic loader (HUD's layout, fixed)."""
    common = {"mode": mode, "delete_flag": _DELETED}
    status = _f("_status", map={"active": "active", "closed": "closed"})
    return {
        "Export.csv": [
            FileSpec(
                pattern="Export.csv",
                entity="record",
                key=("ExportID",),
                key_prefix="export:",
                mode=BatchMode.INCREMENTAL,
            )
        ],
        "Organization.csv": [
            FileSpec(
                pattern="Organization.csv",
                entity="record",
                key=("OrganizationID",),
                key_prefix="org:",
                **common,
            )
        ],
        "Project.csv": [
            FileSpec(
                pattern="Project.csv",
                entity="record",
                key=("ProjectID",),
                key_prefix="project:",
                **common,
            )
        ],
        "User.csv": [
            FileSpec(
                pattern="User.csv", entity="record", key=("UserID",), key_prefix="user:", **common
            )
        ],
        "Client.csv": [
            FileSpec(
                pattern="Client.csv",
                entity="person",
                key=("PersonalID",),
                **common,
                fields={
                    "first_name": _f("FirstName"),
                    "middle_name": _f("MiddleName"),
                    "last_name": _f("LastName"),
                    "suffix": _f("NameSuffix"),
                    "dob": _f("_dob", missing=MISSING),
                    "ssn": _f("_ssn", missing=MISSING),
                    "sex": _f("_sex", map={"F": "F", "M": "M"}, missing=MISSING),
                    "gender_identity": _f("_gender", split=";", missing=MISSING),
                    "race": _f("_race", split=";", missing=MISSING),
                    "race_detail": _f("AdditionalRaceEthnicity"),
                },
                identifiers={"hmis_personal_id": _f("PersonalID")},
            )
        ],
        "#households": [
            FileSpec(
                pattern="#households",
                entity="household",
                key=("HouseholdID",),
                **common,
                fields={"living": FieldSpec(value="shelter")},
            )
        ],
        "Enrollment.csv": [
            FileSpec(
                pattern="Enrollment.csv",
                entity="enrollment",
                key=("EnrollmentID",),
                person_key=("PersonalID",),
                **common,
                fields={
                    "program": _f("_program"),
                    "status": status,
                    "start_date": _f("EntryDate", required=True),
                    "end_date": _f("_exit_date"),
                    "case_number": _f("HouseholdID"),
                    "worker_name": _f("_worker_name"),
                    "worker_phone": _f("_worker_phone"),
                    "worker_email": _f("_worker_email"),
                    "worker_office": _f("_office"),
                },
            ),
            FileSpec(
                pattern="Enrollment.csv",
                entity="household_member",
                key=("EnrollmentID",),
                person_key=("PersonalID",),
                household_key=("HouseholdID",),
                only_if="HouseholdID",
                **common,
                fields={
                    "relationship": _f("RelationshipToHoH", map=RELATIONSHIP, missing=MISSING),
                    "valid_from": _f("EntryDate"),
                    "valid_to": _f("_exit_date"),
                },
            ),
            FileSpec(
                pattern="Enrollment.csv",
                entity="event",
                key=("EnrollmentID",),
                key_prefix="entry:",
                person_key=("PersonalID",),
                only_if="_shelter",
                **common,
                fields={
                    "type": FieldSpec(value="shelter_entry"),
                    "occurred_at": _f("EntryDate", required=True),
                    "site": _f("_office"),
                    "details": FieldSpec(columns=("ProjectID", "HouseholdID", "LivingSituation")),
                },
            ),
        ],
        "Exit.csv": [
            FileSpec(
                pattern="Exit.csv",
                entity="event",
                key=("ExitID",),
                key_prefix="exit:",
                person_key=("PersonalID",),
                **common,
                fields={
                    "type": FieldSpec(value="shelter_exit"),
                    "occurred_at": _f("ExitDate", required=True),
                    "site": _f("_office"),
                    "details": FieldSpec(columns=("EnrollmentID", "Destination")),
                },
            )
        ],
        "Services.csv": [
            FileSpec(
                pattern="Services.csv",
                entity="record",
                key=("ServicesID",),
                key_prefix="svc:",
                **common,
            )
        ],
    }


def _member(files: dict[str, bytes], name: str, zip_name: str) -> Table | None:
    found = next((k for k in files if k.lower() == name.lower()), None)
    if found is None:
        return None
    return read_csv(files[found], name=f"{zip_name}/{found}")


def load_hmis_zip(
    conn: Connection, source: SourceSpec, path: Path, relative: str, sha: str
) -> list[FileReport]:
    """Load one HMIS export inside the caller's transaction (the whole zip is one unit)."""
    from openhhs.ingest.service import load_table

    hmis = source.hmis or HmisSpec()
    files = read_zip(path, max_total=hmis.max_uncompressed_bytes, max_ratio=hmis.max_ratio)
    tables = {
        name: _member(files, name, relative)
        for name in specs(BatchMode.FULL)
        if not name.startswith("#")
    }
    client, enrollment = tables["Client.csv"], tables["Enrollment.csv"]
    if client is None or enrollment is None:
        raise FileRejected(f"{relative}: not an HMIS export (Client.csv and Enrollment.csv needed)")
    export = tables["Export.csv"]
    version = detect_version(export, client)
    directive = (
        export.rows[0].values.get("ExportDirective", "").strip() if export and export.rows else ""
    )
    mode = BatchMode.INCREMENTAL if directive == "1" else hmis.mode
    warnings: list[str] = [
        f"HMIS CSV FY{version}, {'delta' if directive == '1' else 'full'} export"
    ]
    for name in ("Export.csv", "Project.csv", "Exit.csv"):
        if tables[name] is None:
            warnings.append(f"{name} missing from the export")
    projects = tables["Project.csv"]
    ensure_programs(
        conn,
        source.agency,
        [
            ProgramSpec(
                id=f"{hmis.program_prefix}.{r.values['ProjectID']}"[:64],
                name=(r.values.get("ProjectName") or r.values["ProjectID"])[:200],
                area=ProgramArea.SHELTER,
            )
            for r in (projects.rows if projects else [])
            if r.values.get("ProjectID", "").strip() and not r.problem
        ],
    )
    tables["Client.csv"] = prepare_clients(client, version)
    enr, exits, households = prepare_enrollments(
        enrollment, tables["Exit.csv"], projects, tables["User.csv"], hmis, warnings
    )
    tables["Enrollment.csv"], tables["Exit.csv"], tables["#households"] = enr, exits, households
    order = [
        "Export.csv",
        "Organization.csv",
        "Project.csv",
        "User.csv",
        "Client.csv",
        "#households",
        "Enrollment.csv",
        "Exit.csv",
        "Services.csv",
    ]
    reports: list[FileReport] = []
    batches: list[int] = []  # one load: quarantine dedupe looks only at earlier loads
    for name in order:
        table = tables.get(name)
        if table is None:
            continue
        for i, spec in enumerate(specs(mode)[name]):
            report = load_table(
                conn, source, spec, table, table.name, sha, primary=i == 0, unit_batches=batches
            )
            if name == "Client.csv":
                report.warnings.extend(warnings)
            reports.append(report)
    return reports
