"""A tiny city for access tests: three people, five agencies, and a snapshot builder."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.access.principal import Principal, PrincipalKind
from openhhs.access.vocab import Role
from openhhs.model import Agency, Enrollment, Program, SourcePerson, SourceSystem
from openhhs.model.codes import AGENCY_NAMES, EnrollmentStatus, ProgramArea, SensitiveCategory

PROGRAMS = {
    "HRA": ("HRA.SNAP", "SNAP", ProgramArea.BENEFITS, None),
    "DHS": ("DHS.SHELTER", "Single adult shelter", ProgramArea.SHELTER, None),
    "DOHMH": ("DOHMH.ACT", "Assertive Community Treatment", ProgramArea.MENTAL_HEALTH,
              SensitiveCategory.MENTAL_HEALTH),
    "ACS": ("ACS.FC", "Foster care", ProgramArea.CHILD_WELFARE, SensitiveCategory.CHILD_WELFARE),
    "DOC": ("DOC.JAIL", "Detention", ProgramArea.JUSTICE, SensitiveCategory.JUSTICE),
}  # fmt: skip

# Enterprise ID -> the agencies holding a record of that person
PEOPLE = {"E-ALICE": ("HRA", "DHS", "DOHMH"), "E-BOB": ("DOHMH",), "E-CARL": ("DOC", "DHS")}


def seed_city(session: Session) -> dict[str, list[int]]:
    for code, (pid, name, area, cat) in PROGRAMS.items():
        session.add(Agency(id=code, name=AGENCY_NAMES[code]))  # type: ignore[index]
        session.add(SourceSystem(id=f"{code.lower()}_sys", agency_id=code, name=f"{code} system"))
        session.flush()
        session.add(Program(id=pid, name=name, agency_id=code, area=area, sensitive_category=cat))
    session.flush()
    links: dict[str, list[int]] = {}
    for eid, agencies in PEOPLE.items():
        for agency in agencies:
            sp = SourcePerson(
                agency_id=agency,
                source_system_id=f"{agency.lower()}_sys",
                source_id=f"{eid}-{agency}",
                record_hash="0" * 64,
                raw={"case_note": f"{agency} note about {eid}"},
                first_name=eid.split("-")[1],
                last_name="DOE",
                dob=dt.date(1980, 1, 1),
            )
            session.add(sp)
            session.flush()
            links.setdefault(eid, []).append(sp.id)
            session.add(
                Enrollment(
                    agency_id=agency,
                    source_system_id=f"{agency.lower()}_sys",
                    source_id=f"ENR-{eid}-{agency}",
                    record_hash="0" * 64,
                    source_person_id=sp.id,
                    program_id=PROGRAMS[agency][0],
                    status=EnrollmentStatus.ACTIVE,
                    start_date=dt.date(2026, 1, 1),
                    case_number=f"{agency}-0001",
                    worker_name=f"{agency} Worker",
                    worker_phone="+12125550100",
                )
            )
    session.commit()
    return links


def principal(agency: str, *roles: str, pid: str = "user:1") -> Principal:
    return Principal(
        id=pid, kind=PrincipalKind.USER, agency=agency, roles=frozenset(Role(r) for r in roles)
    )


def snapshot(session: Session, eid: str, links: dict[str, list[int]]) -> dict[str, Any]:
    """A Worker Connect-like snapshot payload, built the way the API would build it."""
    ids = links.get(eid, [])
    rows = session.execute(
        select(Enrollment, Program)
        .join(Program, Program.id == Enrollment.program_id)
        .where(Enrollment.source_person_id.in_(ids))
        .order_by(Enrollment.id)
    ).all()
    return {
        "person_id": eid,
        "person": {"name": "ALICE DOE", "dob": "1980-01-01", "ssn_last4": "1234"},
        "enrollments": [
            {
                "agency": e.agency_id,
                "id": e.id,
                "categories": [p.sensitive_category] if p.sensitive_category else [],
                "program": p.name,
                "status": e.status.value,
                "case_number": e.case_number,
                "worker_contact": {"name": e.worker_name, "phone": e.worker_phone},
            }
            for e, p in rows
        ],
        "events": [{"agency": "DHS", "type": "shelter_entry", "occurred_at": "2026-10-01"}],
        "records": [{"agency": a, "raw": {"case_note": "..."}} for a in PEOPLE.get(eid, ())],
    }
