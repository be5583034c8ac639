import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from openhhs.model import (
    Agency,
    Enrollment,
    Household,
    HouseholdMember,
    Income,
    PersonName,
    PersonRace,
    Program,
    SourcePerson,
    SourceSystem,
)
from openhhs.model.codes import (
    EnrollmentStatus,
    Frequency,
    HouseholdRelationship,
    IncomeType,
    MissingReason,
    ProgramArea,
    Race,
    Sex,
)


def _seed(session: Session) -> None:
    session.add(Agency(id="HRA", name="Human Resources Administration"))
    session.add(SourceSystem(id="hra_welfare", agency_id="HRA", name="Welfare Management System"))
    session.add(
        Program(
            id="HRA.SNAP",
            name="SNAP",
            agency_id="HRA",
            area=ProgramArea.BENEFITS,
            s2r_code="S2R007",
        )
    )
    session.flush()


def _person(source_id: str = "P1", **kw: object) -> SourcePerson:
    return SourcePerson(
        agency_id="HRA",
        source_system_id="hra_welfare",
        source_id=source_id,
        record_hash="0" * 64,
        raw={"FNAME": "José"},
        **kw,
    )


def test_a_person_round_trips_with_multi_select_race_and_missing_reasons(session: Session) -> None:
    _seed(session)
    p = _person(
        first_name="JOSE",
        last_name="GARCIA LOPEZ",
        last_name_parts=["GARCIA", "LOPEZ"],
        dob=dt.date(1980, 2, 29),
        sex=Sex.MALE,
        ssn_missing=MissingReason.REFUSED,
        race_missing=None,
    )
    p.races = [
        PersonRace(category=Race.HISPANIC, detail="Dominican"),
        PersonRace(category=Race.BLACK),
    ]
    p.names = [PersonName(first="PEPE", last="GARCIA")]
    session.add(p)
    session.commit()
    got = session.scalars(select(SourcePerson)).one()
    assert got.raw == {"FNAME": "José"}
    assert got.last_name_parts == ["GARCIA", "LOPEZ"]
    assert got.ssn is None and got.ssn_missing is MissingReason.REFUSED
    assert {r.category for r in got.races} == {Race.HISPANIC, Race.BLACK}
    assert got.sex == "M"


def test_source_record_key_is_unique_per_source_system(session: Session) -> None:
    _seed(session)
    session.add_all([_person("P1"), _person("P1")])
    with pytest.raises(IntegrityError):
        session.commit()


def test_the_database_rejects_a_code_outside_its_list(session: Session) -> None:
    _seed(session)
    session.add(_person("P1"))
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(text("update source_person set sex = 'Q'"))
        session.commit()


def test_python_side_rejects_unknown_codes_before_sql(session: Session) -> None:
    _seed(session)
    session.add(_person("P1", sex="Q"))
    with pytest.raises(StatementError):
        session.commit()


def test_household_with_income_and_enrollment(session: Session) -> None:
    _seed(session)
    head = _person("P1", first_name="ANA")
    session.add(head)
    session.flush()
    hh = Household(
        agency_id="HRA", source_system_id="hra_welfare", source_id="H1", record_hash="0" * 64
    )
    hh.members = [
        HouseholdMember(
            agency_id="HRA",
            source_person_id=head.id,
            relationship_to_head=HouseholdRelationship.HEAD,
        )
    ]
    session.add(hh)
    session.add(
        Income(
            agency_id="HRA",
            source_person_id=head.id,
            type=IncomeType.WAGES,
            amount=Decimal("1250.50"),
            frequency=Frequency.BIWEEKLY,
        )
    )
    session.flush()
    session.add(
        Enrollment(
            agency_id="HRA",
            source_system_id="hra_welfare",
            source_id="E1",
            record_hash="0" * 64,
            source_person_id=head.id,
            program_id="HRA.SNAP",
            household_id=hh.id,
            status=EnrollmentStatus.ACTIVE,
            case_number="SN123",
            worker_name="Pat Lee",
        )
    )
    session.commit()
    inc = session.scalars(select(Income)).one()
    assert inc.amount == Decimal("1250.50") and inc.frequency is Frequency.BIWEEKLY
    assert session.scalars(select(Enrollment)).one().status is EnrollmentStatus.ACTIVE
