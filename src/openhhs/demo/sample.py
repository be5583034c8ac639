"""A tiny hand-made city with known answers, for tests, browser tests and a quick look.

Maria Lopez is served by HRA (SNAP), DHS (shelter) and DOHMH (mental health, shared with HRA
by her consent); her son Luis is in her HRA household; John Doe is known only to DOC; Ana Ruiz
has two records (HRA, DHS) the matcher was unsure about, waiting in the review queue. Records
go in through ingest's `upsert_person` and the index's `upsert`; links are then pinned so the
answers do not depend on the model's thresholds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.access import Principal, PrincipalKind, Role
from openhhs.access.consent import give_consent
from openhhs.access.store import load_agreements
from openhhs.cci import active_model, registry, review, upsert
from openhhs.cci.match import features_of
from openhhs.demo.accounts import ensure_demo_users, ensure_service_accounts
from openhhs.errors import Conflict
from openhhs.ingest import PersonIn, upsert_person
from openhhs.model import (
    Document,
    Enrollment,
    Event,
    Household,
    HouseholdMember,
    Program,
    SourcePerson,
)
from openhhs.model.codes import (
    DocumentType,
    EnrollmentStatus,
    EventType,
    HouseholdRelationship,
    ProgramArea,
    SensitiveCategory,
)

PROGRAMS = (
    ("HRA.SNAP", "SNAP", "HRA", ProgramArea.BENEFITS, None),
    ("DHS.SHELTER", "Family shelter", "DHS", ProgramArea.SHELTER, None),
    (
        "DOHMH.MH",
        "Mental health care coordination",
        "DOHMH",
        ProgramArea.MENTAL_HEALTH,
        SensitiveCategory.MENTAL_HEALTH,
    ),
    ("DOC.CUSTODY", "Custody", "DOC", ProgramArea.JUSTICE, SensitiveCategory.JUSTICE),
)


@dataclass
class SampleCity:
    people: dict[str, str] = field(default_factory=dict)  # name -> Enterprise ID
    records: dict[str, int] = field(default_factory=dict)  # "system:source_id" -> record id
    review_item_id: int = 0
    tokens: dict[str, str] = field(default_factory=dict)  # source system -> push token


def _person(
    session: Session, sample: SampleCity, system: str, source_id: str, /, **kw: object
) -> int:
    stored = upsert_person(
        session, PersonIn.model_validate({"source_system": system, "source_id": source_id, **kw})
    )
    upsert(session, stored.id)
    sample.records[f"{system}:{source_id}"] = stored.id
    return stored.id


def _program(session: Session, pid: str) -> None:
    for p_id, name, agency, area, cat in PROGRAMS:
        if p_id == pid and session.get(Program, pid) is None:
            session.add(
                Program(id=p_id, name=name, agency_id=agency, area=area, sensitive_category=cat)
            )
            session.flush()


def _enrollment(
    session: Session,
    rid: int,
    system: str,
    source_id: str,
    program: str,
    start: dt.date,
    worker: tuple[str, str, str],
    case: str,
) -> int:
    _program(session, program)
    person = session.get(SourcePerson, rid)
    assert person is not None
    e = Enrollment(
        source_system_id=system,
        agency_id=person.agency_id,
        source_id=source_id,
        raw={"sample": True},
        record_hash=source_id,
        source_person_id=rid,
        program_id=program,
        status=EnrollmentStatus.ACTIVE,
        start_date=start,
        case_number=case,
        worker_name=worker[0],
        worker_phone=worker[1],
        worker_email=worker[2],
        worker_office=f"{person.agency_id} office",
    )
    session.add(e)
    session.flush()
    return e.id


def _event(
    session: Session,
    rid: int,
    system: str,
    source_id: str,
    kind: EventType,
    days_ago: int,
    site: str,
) -> None:
    person = session.get(SourcePerson, rid)
    assert person is not None
    when = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
    session.add(
        Event(
            source_system_id=system,
            agency_id=person.agency_id,
            source_id=source_id,
            raw={"sample": True},
            record_hash=source_id,
            source_person_id=rid,
            type=kind,
            occurred_at=when,
            site=site,
        )
    )
    session.flush()


def build_sample_city(session: Session, *, password: str | None = None) -> SampleCity:
    """Load agreements, accounts and the sample people; the caller commits."""
    load_agreements(session)
    ensure_demo_users(session, password)
    city = SampleCity()
    if session.scalar(
        select(SourcePerson.id).where(
            SourcePerson.source_system_id == "hra_wms", SourcePerson.source_id == "H-1001"
        )
    ):
        raise Conflict("the sample city is already loaded in this database")
    city.tokens = ensure_service_accounts(session)
    today = dt.date.today()

    m_hra = _person(
        session,
        city,
        "hra_wms",
        "H-1001",
        first_name="Maria",
        last_name="Lopez",
        dob="1985-04-28",
        ssn="212-55-1234",
        phones=["212-555-0199"],
        street="100 Main St",
        unit="4B",
        city="New York",
        state="NY",
        zip="10027",
        sex="F",
    )
    m_dhs = _person(
        session,
        city,
        "dhs_hmis",
        "D-2001",
        first_name="Maria",
        last_name="Lopez",
        dob="1985-04-28",
        ssn="212-55-1234",
        street="200 Shelter Ave",
        city="Brooklyn",
        state="NY",
        zip="11216",
        sex="F",
    )
    m_mh = _person(
        session,
        city,
        "dohmh_mh",
        "M-3001",
        first_name="Maria",
        last_name="Lopez",
        dob="1985-04-28",
        sex="F",
    )
    luis = _person(
        session,
        city,
        "hra_wms",
        "H-1002",
        first_name="Luis",
        last_name="Lopez",
        dob="2015-09-02",
        sex="M",
        street="100 Main St",
        unit="4B",
        city="New York",
        state="NY",
        zip="10027",
    )
    john = _person(
        session,
        city,
        "doc_ims",
        "B-4001",
        first_name="John",
        last_name="Doe",
        dob="1979-01-15",
        ssn="310-44-9876",
        sex="M",
    )
    ana1 = _person(
        session,
        city,
        "hra_wms",
        "H-1003",
        first_name="Ana",
        last_name="Ruiz",
        dob="1990-03-12",
        street="5 Elm St",
        city="Bronx",
        state="NY",
        zip="10451",
        sex="F",
    )
    ana2 = _person(
        session,
        city,
        "dhs_hmis",
        "D-2003",
        first_name="Anna",
        last_name="Ruiz",
        dob="1990-03-12",
        street="77 Oak Ave",
        city="Bronx",
        state="NY",
        zip="10456",
        sex="F",
    )

    # pin the clusters the scenarios rely on
    maria = registry.link_record(
        session, m_hra, registry.enterprise_id_of(session, m_hra), method="steward", actor="sample"
    )
    for rid in (m_dhs, m_mh):
        registry.link_record(session, rid, maria, method="steward", actor="sample")
    for rid in (luis, john, ana1):
        if registry.members(session, registry.enterprise_id_of(session, rid) or "") != [rid]:
            registry.link_record(session, rid, None, method="steward", actor="sample")
    if registry.enterprise_id_of(session, ana2) == registry.enterprise_id_of(session, ana1):
        registry.link_record(session, ana2, None, method="steward", actor="sample")
    model = active_model(session)
    left, right = (session.get(SourcePerson, i) for i in (ana1, ana2))
    assert left is not None and right is not None
    score = model.scorer.score(features_of(left), features_of(right))
    city.review_item_id = review.enqueue(session, ana1, ana2, score, reason="band", origin="batch")

    hra_worker = ("Alex Rivera", "+12125550101", "alex.rivera@hra.example")
    _enrollment(
        session,
        m_hra,
        "hra_wms",
        "E-H-1",
        "HRA.SNAP",
        today - dt.timedelta(400),
        hra_worker,
        "HRA-778812",
    )
    _enrollment(
        session,
        luis,
        "hra_wms",
        "E-H-2",
        "HRA.SNAP",
        today - dt.timedelta(400),
        hra_worker,
        "HRA-778812",
    )
    _enrollment(
        session,
        m_dhs,
        "dhs_hmis",
        "E-D-1",
        "DHS.SHELTER",
        today - dt.timedelta(10),
        ("Sam Lee", "+17185550102", "sam.lee@dhs.example"),
        "DHS-5521",
    )
    _enrollment(
        session,
        m_mh,
        "dohmh_mh",
        "E-M-1",
        "DOHMH.MH",
        today - dt.timedelta(60),
        ("Dana Kim", "+12125550103", "dana.kim@dohmh.example"),
        "MH-0042",
    )
    _enrollment(
        session,
        john,
        "doc_ims",
        "E-C-1",
        "DOC.CUSTODY",
        today - dt.timedelta(5),
        ("Officer Grant", "+17185550104", "grant@doc.example"),
        "BC-99812",
    )
    _event(session, m_dhs, "dhs_hmis", "V-D-1", EventType.SHELTER_ENTRY, 10, "Bedford Atlantic")
    _event(session, m_mh, "dohmh_mh", "V-M-1", EventType.MH_SERVICE, 20, "Harlem clinic")
    _event(session, john, "doc_ims", "V-C-1", EventType.JAIL_BOOKING, 5, "Rikers")
    session.add(
        Document(
            source_system_id="hra_wms",
            agency_id="HRA",
            source_id="DOC-H-1",
            raw={"sample": True},
            record_hash="DOC-H-1",
            source_person_id=m_hra,
            doc_type=DocumentType.LEASE,
            title="Lease 2025",
            issuer="Landlord LLC",
            issued_on=today - dt.timedelta(300),
        )
    )
    hh = Household(
        source_system_id="hra_wms",
        agency_id="HRA",
        source_id="HH-1",
        raw={"sample": True},
        record_hash="HH-1",
    )
    session.add(hh)
    session.flush()
    for rid, rel in ((m_hra, HouseholdRelationship.HEAD), (luis, HouseholdRelationship.CHILD)):
        session.add(
            HouseholdMember(
                agency_id="HRA", household_id=hh.id, source_person_id=rid, relationship_to_head=rel
            )
        )
    session.flush()

    dohmh = Principal(
        id="sample:dohmh",
        kind=PrincipalKind.USER,
        agency="DOHMH",
        roles=frozenset({Role.CASEWORKER}),
        name="Dana Kim",
    )
    give_consent(
        session,
        person_id=maria,
        recipients=["HRA"],
        purposes=["case_management"],
        recorded_by=dohmh,
        method="written",
        categories=["mental_health"],
        source_agencies=["DOHMH"],
        notes="sample consent form",
    )
    city.people = {
        "maria": maria,
        "luis": registry.enterprise_id_of(session, luis) or "",
        "john": registry.enterprise_id_of(session, john) or "",
        "ana": registry.enterprise_id_of(session, ana1) or "",
        "anna": registry.enterprise_id_of(session, ana2) or "",
    }
    return city
