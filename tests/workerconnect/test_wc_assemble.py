"""`snapshot.assemble`: the snapshot's payload from the rows of its reads (pure, no database)."""

from __future__ import annotations

import datetime as dt

from openhhs.model.codes import (
    AddressKind,
    EnrollmentStatus,
    EventType,
    HouseholdRelationship,
    Living,
    PhoneKind,
    ProgramArea,
)
from openhhs.workerconnect.snapshot import assemble, section_reads

NOW = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
OWNERS = {1: "HRA", 2: "DHS"}  # record 3 was linked after the golden record's read


def _enrollment(
    record: int, enrollment: int, agency: str, start: dt.date, area: ProgramArea
) -> tuple[object, ...]:
    """A row of the enrollments' read: an active case with no worker contact."""
    contact = (None, None, None, None)  # name, phone, email, office
    program = (40 + enrollment, area.value.title(), area, None)  # id, name, area, category
    status, end, case = EnrollmentStatus.ACTIVE, None, f"C-{enrollment}"
    return (record, enrollment, agency, status, start, end, case, *contact, *program)


def _rows() -> list[list[tuple[object, ...]]]:
    address = ("1 MAIN ST", None, "NEW YORK", "NY", "10001", "MANHATTAN", AddressKind.RESIDENTIAL)
    return [
        [  # addresses
            (1, *address, dt.date(2020, 1, 1), None),
            (3, "9 OTHER ST", *address[1:], dt.date(2021, 1, 1), None),
        ],
        [(2, "+12125550100", PhoneKind.MOBILE), (3, "+12125550199", PhoneKind.HOME)],  # phones
        [(2, 20, "DHS", Living.SHELTER), (1, 10, "HRA", Living.RENTING)],  # households
        [  # members of both households
            (10, 1, HouseholdRelationship.HEAD, "ANA", "RUIZ", dt.date(1980, 1, 1), "E1"),
            (10, 7, HouseholdRelationship.CHILD, "LUIS", "RUIZ", dt.date(2015, 1, 1), "E7"),
            (20, 2, None, "ANA", "RUIZ", dt.date(1980, 1, 1), "E1"),
        ],
        [  # enrollments
            _enrollment(2, 5, "DHS", dt.date(2026, 1, 1), ProgramArea.SHELTER),
            _enrollment(3, 6, "ACS", dt.date(2026, 2, 1), ProgramArea.CHILD_WELFARE),
        ],
        [  # events
            (2, "DHS", 8, EventType.SHELTER_ENTRY, NOW - dt.timedelta(days=3), "Site A"),
            (3, "ACS", 9, EventType.PLACEMENT, NOW - dt.timedelta(days=2), None),
        ],
        [],  # documents
    ]


def test_rows_of_records_the_golden_read_did_not_see_are_left_out() -> None:
    got = assemble("E1", OWNERS, {"name": "Ana Ruiz"}, _rows(), caller_agency="HRA", now=NOW)
    person = got.payload["person"]
    assert [a["street"] for a in person["address"]] == ["1 MAIN ST"]
    assert [(p["number"], p["agency"]) for p in person["phone"]] == [("+12125550100", "DHS")]
    assert [e["id"] for e in got.payload["enrollments"]] == [5]
    assert [e["id"] for e in got.payload["events"]] == [8]
    assert [a["id"] for a in got.payload["alerts"]] == [8]  # a shelter entry 3 days ago
    assert got.enrollment_rows == [
        (2, "DHS", EnrollmentStatus.ACTIVE, False, dt.date(2026, 1, 1), None)
    ]
    assert got.owners == OWNERS


def test_the_household_shown_is_the_callers_agencys_with_only_its_members() -> None:
    hra = assemble("E1", OWNERS, {}, _rows(), caller_agency="HRA", now=NOW).payload["household"]
    assert hra["agency"] == "HRA" and hra["living"] == "renting"
    assert [(m["name"], m["self"]) for m in hra["members"]] == [
        ("Ana Ruiz", True),
        ("Luis Ruiz", False),
    ]
    # another agency's caller sees the most recently updated household (the first row)
    dss = assemble("E1", OWNERS, {}, _rows(), caller_agency="DSS", now=NOW).payload["household"]
    assert dss["agency"] == "DHS" and [m["enterprise_id"] for m in dss["members"]] == ["E1"]


def test_every_section_is_read_for_the_person_named() -> None:
    reads = section_reads("E42")
    assert len(reads) == 7 and all(params == {"eid": "E42"} for _stmt, params in reads)
