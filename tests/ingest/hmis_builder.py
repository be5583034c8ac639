"""Small HUD HMIS CSV exports written by hand for tests (FY2024 and FY2026 layouts)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

TAIL = ["DateCreated", "DateUpdated", "UserID", "DateDeleted", "ExportID"]
RACES_2024 = [
    "AmIndAKNative",
    "Asian",
    "BlackAfAmerican",
    "HispanicLatinaeo",
    "MidEastNAfrican",
    "NativeHIPacific",
    "White",
]
GENDERS = [
    "Woman",
    "Man",
    "NonBinary",
    "CulturallySpecific",
    "Transgender",
    "Questioning",
    "DifferentIdentity",
]


def client_columns(version: str) -> list[str]:
    races = [
        "HispanicLatinao" if (c == "HispanicLatinaeo" and version == "2026") else c
        for c in RACES_2024
    ]
    cols = [
        "PersonalID",
        "FirstName",
        "MiddleName",
        "LastName",
        "NameSuffix",
        "NameDataQuality",
        "SSN",
        "SSNDataQuality",
        "DOB",
        "DOBDataQuality",
        *races,
        "RaceNone",
        "AdditionalRaceEthnicity",
    ]
    cols += ["Sex"] if version == "2026" else [*GENDERS, "GenderNone", "DifferentIdentityText"]
    return [*cols, "VeteranStatus", *TAIL]


COLUMNS = {
    "Export.csv": [
        "ExportID",
        "SourceType",
        "SourceID",
        "SourceName",
        "ExportDate",
        "ExportStartDate",
        "ExportEndDate",
        "SoftwareName",
        "CSVVersion",
        "ExportPeriodType",
        "ExportDirective",
        "HashStatus",
        "ImplementationID",
    ],
    "Organization.csv": ["OrganizationID", "OrganizationName", "VictimServiceProvider", *TAIL],
    "Project.csv": [
        "ProjectID",
        "OrganizationID",
        "ProjectName",
        "ProjectType",
        "HousingType",
        *TAIL,
    ],
    "User.csv": [
        "UserID",
        "UserFirstName",
        "UserLastName",
        "UserPhone",
        "UserExtension",
        "UserEmail",
        "DateCreated",
        "DateUpdated",
        "DateDeleted",
        "ExportID",
    ],
    "Enrollment.csv": [
        "EnrollmentID",
        "PersonalID",
        "ProjectID",
        "EntryDate",
        "HouseholdID",
        "RelationshipToHoH",
        "LivingSituation",
        "DisablingCondition",
        *TAIL,
    ],
    "Exit.csv": ["ExitID", "EnrollmentID", "PersonalID", "ExitDate", "Destination", *TAIL],
    "Services.csv": [
        "ServicesID",
        "EnrollmentID",
        "PersonalID",
        "DateProvided",
        "RecordType",
        "TypeProvided",
        *TAIL,
    ],
}


def client(pid: str, first: str, last: str, dob: str, version: str = "2024", **kw: str) -> dict:
    row = {
        "PersonalID": pid,
        "FirstName": first,
        "LastName": last,
        "NameDataQuality": "1",
        "SSN": kw.pop("SSN", ""),
        "SSNDataQuality": kw.pop("SSNDataQuality", "99"),
        "DOB": dob,
        "DOBDataQuality": "1",
        "RaceNone": "",
        "ExportID": "E1",
        "DateUpdated": "2026-06-01 10:00:00",
    }
    for c in client_columns(version):
        row.setdefault(c, "0" if c in RACES_2024 + GENDERS + ["HispanicLatinao"] else "")
    row.update(kw)
    return row


def default_export(version: str = "2024") -> dict[str, list[dict[str, Any]]]:
    """Two households in one shelter: a mother and child, and a single man who has exited."""
    return {
        "Export.csv": [
            {
                "ExportID": "E1",
                "SourceType": "1",
                "CSVVersion": version,
                "ExportDirective": "2",
                "ExportPeriodType": "3",
                "HashStatus": "1",
                "SoftwareName": "test",
            }
        ],
        "Organization.csv": [{"OrganizationID": "O1", "OrganizationName": "Shelter Org"}],
        "Project.csv": [
            {
                "ProjectID": "P1",
                "OrganizationID": "O1",
                "ProjectName": "Bedford Family Shelter",
                "ProjectType": "0",
                "HousingType": "1",
            }
        ],
        "User.csv": [
            {
                "UserID": "U1",
                "UserFirstName": "Pat",
                "UserLastName": "Lee",
                "UserPhone": "2125550100",
                "UserEmail": "plee@dhs.nyc.gov",
            }
        ],
        "Client.csv": [
            client(
                "c1",
                "Maria",
                "Lopez",
                "1990-04-02",
                version,
                White="1",
                **({"Sex": "0"} if version == "2026" else {"Woman": "1"}),
            ),
            client(
                "c2",
                "Luis",
                "Lopez",
                "2015-09-10",
                version,
                **({"HispanicLatinao": "1"} if version == "2026" else {"HispanicLatinaeo": "1"}),
            ),
            client(
                "c3",
                "John",
                "Smith",
                "1970-01-15",
                version,
                SSN="234567891",
                SSNDataQuality="1",
                RaceNone="9",
            ),
        ],
        "Enrollment.csv": [
            {
                "EnrollmentID": "n1",
                "PersonalID": "c1",
                "ProjectID": "P1",
                "EntryDate": "2026-01-05",
                "HouseholdID": "h1",
                "RelationshipToHoH": "1",
                "UserID": "U1",
            },
            {
                "EnrollmentID": "n2",
                "PersonalID": "c2",
                "ProjectID": "P1",
                "EntryDate": "2026-01-05",
                "HouseholdID": "h1",
                "RelationshipToHoH": "2",
                "UserID": "U1",
            },
            {
                "EnrollmentID": "n3",
                "PersonalID": "c3",
                "ProjectID": "P1",
                "EntryDate": "2025-03-01",
                "HouseholdID": "h2",
                "RelationshipToHoH": "1",
                "UserID": "U1",
            },
        ],
        "Exit.csv": [
            {
                "ExitID": "x3",
                "EnrollmentID": "n3",
                "PersonalID": "c3",
                "ExitDate": "2025-06-30",
                "Destination": "410",
            }
        ],
        "Services.csv": [
            {
                "ServicesID": "s1",
                "EnrollmentID": "n1",
                "PersonalID": "c1",
                "DateProvided": "2026-01-06",
                "RecordType": "200",
                "TypeProvided": "200",
            }
        ],
    }


def write_zip(
    path: Path,
    files: dict[str, list[dict[str, Any]]],
    version: str = "2024",
    extra: dict[str, bytes] | None = None,
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, rows in files.items():
            cols = client_columns(version) if name == "Client.csv" else COLUMNS[name]
            buf = io.StringIO()
            w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
            w.writeheader()
            for r in rows:
                w.writerow({c: r.get(c, "") for c in cols})
            zf.writestr(name, buf.getvalue())
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path
