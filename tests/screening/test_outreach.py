"""Likely eligible, not enrolled: screening the ingested HRA households (SQLite and PostgreSQL),
with small-cell suppression of the borough counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from openhhs.model import SourcePerson
from openhhs.model.agency import Agency, SourceSystem
from openhhs.model.codes import (
    EnrollmentStatus,
    ExpenseType,
    Frequency,
    HouseholdRelationship,
    IncomeType,
    Living,
    ProgramArea,
    RentalType,
)
from openhhs.model.household import Expense, Household, HouseholdMember, Income
from openhhs.model.program import Enrollment, Program
from openhhs.screening.outreach import (
    canonical_borough,
    find,
    load_population,
    population_from_frames,
    suppress,
)

AS_OF = dt.date(2026, 3, 1)
SYS = "hra_wms"


def _person(s: Session, key: str, age: int, borough: str) -> SourcePerson:
    p = SourcePerson(
        agency_id="HRA",
        source_system_id=SYS,
        source_id=key,
        record_hash=key,
        dob=dt.date(AS_OF.year - age, 1, 1),
        borough=borough,
        first_name=key.upper(),
    )
    s.add(p)
    s.flush()
    return p


def _household(
    s: Session,
    key: str,
    members: list[tuple[SourcePerson, HouseholdRelationship]],
    rent: float | None = None,
) -> Household:
    h = Household(
        agency_id="HRA",
        source_system_id=SYS,
        source_id=key,
        record_hash=key,
        living=Living.RENTING,
        rental_type=RentalType.MARKET_RATE,
        cash_on_hand=Decimal("50"),
    )
    s.add(h)
    s.flush()
    for p, rel in members:
        s.add(
            HouseholdMember(
                agency_id="HRA", household_id=h.id, source_person_id=p.id, relationship_to_head=rel
            )
        )
    if rent:
        s.add(
            Expense(
                agency_id="HRA",
                household_id=h.id,
                type=ExpenseType.RENT,
                amount=Decimal(str(rent)),
                frequency=Frequency.MONTHLY,
            )
        )
    return h


def _enroll(s: Session, p: SourcePerson, program: str, status=EnrollmentStatus.ACTIVE) -> None:
    s.add(
        Enrollment(
            agency_id="HRA",
            source_system_id=SYS,
            source_id=f"{p.source_id}-{program}",
            record_hash="x",
            source_person_id=p.id,
            program_id=program,
            status=status,
        )
    )


def _wages(s: Session, p: SourcePerson, monthly: float) -> None:
    s.add(
        Income(
            agency_id="HRA",
            source_person_id=p.id,
            type=IncomeType.WAGES,
            amount=Decimal(str(monthly)),
            frequency=Frequency.MONTHLY,
        )
    )


def _city(engine: Engine) -> None:
    with Session(engine) as s:
        s.add(Agency(id="HRA", name="HRA"))
        s.flush()
        s.add(SourceSystem(id=SYS, agency_id="HRA", name="WMS"))
        for pid in ("HRA.SNAP", "HRA.MA", "HRA.CA"):
            s.add(Program(id=pid, name=pid, agency_id="HRA", area=ProgramArea.BENEFITS))
        s.flush()
        H, C = HouseholdRelationship.HEAD, HouseholdRelationship.CHILD
        # 1. SNAP family in Brooklyn, not on Medicaid
        mom, baby, kid = (
            _person(s, "mom", 30, "Brooklyn"),
            _person(s, "baby", 2, "Brooklyn"),
            _person(s, "kid", 8, "Brooklyn"),
        )
        _household(s, "h1", [(mom, H), (baby, C), (kid, C)], rent=1400)
        _wages(s, mom, 1500)
        for p in (mom, baby, kid):
            _enroll(s, p, "HRA.SNAP")
        # 2. Medicaid-only adult in the Bronx with no income: SNAP outreach
        solo = _person(s, "solo", 40, "Bronx")
        _household(s, "h2", [(solo, H)])
        _enroll(s, solo, "HRA.MA")
        # 3. high earner on Medicaid (closed SNAP): nothing but no SNAP
        rich = _person(s, "rich", 45, "Queens")
        _household(s, "h3", [(rich, H)])
        _wages(s, rich, 20000)
        _enroll(s, rich, "HRA.MA")
        _enroll(s, rich, "HRA.SNAP", EnrollmentStatus.CLOSED)
        s.commit()


def test_outreach_over_ingested_households(engine: Engine) -> None:
    _city(engine)
    pop = load_population(engine, AS_OF)
    assert pop.frame.n_households == 3 and pop.frame.n_persons == 5
    report = find(pop, AS_OF)
    by = {t.target.key: t for t in report.targets}

    def names(key: str) -> set[str]:
        with Session(engine) as s:
            return {s.get(SourcePerson, i).source_id for i in by[key].person_ids}

    assert names("snap") == {"solo"}  # on Medicaid, not on SNAP, eligible
    assert names("medicaid") == {"mom", "baby", "kid"}
    assert names("wic") == {"baby"}
    assert names("summer_ebt") == {"kid"}
    assert names("fair_fares") == {"mom"}
    assert names("heap") == {"mom", "solo"}
    assert names("ctc") == {"mom"}  # earnings and a child under 17
    # every count here is 1-10, so every cell is suppressed
    assert by["medicaid"].by_borough["Brooklyn"] is None
    assert by["medicaid"].by_borough["Bronx"] == 0
    out = report.as_dict()
    assert out["targets"][0]["people"] is None and out["householdsScreened"] == 3


def test_suppression_hides_small_cells_and_a_complement() -> None:
    assert suppress({"a": 0, "b": 5, "c": 40, "d": 300}) == {"a": 0, "b": None, "c": None, "d": 300}
    assert suppress({"a": 11, "b": 12}) == {"a": 11, "b": 12}
    assert suppress({"a": 3, "b": 4, "c": 50}) == {"a": None, "b": None, "c": 50}


def test_population_from_frames_takes_first_member_as_head_when_none_recorded() -> None:
    people = pd.DataFrame(
        [(1, 10, None, 40, "Queens"), (1, 11, "Child", 3, "Queens")],
        columns=["household_id", "person_id", "relation", "age", "borough"],
    )
    empty_inc = pd.DataFrame(columns=["person_id", "type", "monthly"])
    empty_exp = pd.DataFrame(columns=["household_id", "type", "monthly"])
    hh = pd.DataFrame(
        [(1, None, None, None)], columns=["household_id", "living", "rental_type", "cash_on_hand"]
    )
    enr = pd.DataFrame([(11, "HRA.MA")], columns=["person_id", "program_id"])
    pop = population_from_frames(people, empty_inc, empty_exp, hh, enr)
    report = find(pop, AS_OF)
    wic = next(t for t in report.targets if t.target.key == "wic")
    assert wic.person_ids == [11]
    assert not pop.frame.housing_known[0]


def test_borough_spellings() -> None:
    got = canonical_borough(pd.Series(["BROOKLYN", "kings", " Staten Island", "3", None, "Mars"]))
    assert got.tolist() == [
        "Brooklyn",
        "Brooklyn",
        "Staten Island",
        "Brooklyn",
        "Unknown",
        "Unknown",
    ]


def test_outreach_list_only_through_the_access_layer(engine: Engine, monkeypatch) -> None:
    """A DFTA caseworker gets contact details under DSA-HRA-DFTA-OUT-01; DOC gets nothing."""
    import openhhs.cci.registry as registry
    from openhhs.access.persons import set_person_resolver
    from openhhs.access.principal import Principal, PrincipalKind
    from openhhs.access.vocab import Role
    from openhhs.screening.outreach import outreach_list

    _city(engine)
    report = find(load_population(engine, AS_OF), AS_OF)
    with Session(engine) as s:
        ids = {p.id: f"E-{p.source_id}" for p in s.query(SourcePerson)}
        back = {v: [k] for k, v in ids.items()}
        monkeypatch.setattr(registry, "enterprise_id_of", lambda _s, spid: ids.get(spid))
        set_person_resolver(lambda _s, eid: back.get(eid, []))
        try:
            dfta = Principal(
                id="user:7",
                kind=PrincipalKind.USER,
                agency="DFTA",
                roles=frozenset({Role("caseworker")}),
            )
            doc = Principal(
                id="user:8",
                kind=PrincipalKind.USER,
                agency="DOC",
                roles=frozenset({Role("caseworker")}),
            )
            allowed = outreach_list(s, dfta, report, "fair_fares")
            denied = outreach_list(s, doc, report, "fair_fares")
        finally:
            set_person_resolver(None)
    assert [row["person_id"] for row in allowed] == ["E-mom"]
    assert allowed[0]["name"] == "MOM" and allowed[0]["program"] == "fair_fares"
    assert denied == []


def test_outreach_cli_writes_suppressed_counts(tmp_path, sqlite_template) -> None:
    import json
    import shutil

    from typer.testing import CliRunner

    from openhhs.db import make_engine
    from openhhs.screening.cli import app

    db = tmp_path / "city.db"
    shutil.copyfile(sqlite_template, db)
    engine = make_engine(f"sqlite:///{db}")
    _city(engine)
    engine.dispose()
    out = tmp_path / "outreach.json"
    r = CliRunner().invoke(
        app,
        [
            "outreach",
            "--as-of",
            "2026-03-01",
            "--database-url",
            f"sqlite:///{db}",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    report = json.loads(out.read_text())
    assert report["householdsScreened"] == 3
    wic = next(t for t in report["targets"] if t["program"] == "wic")
    assert wic["people"] is None and wic["byBorough"]["Brooklyn"] is None  # 1 person: suppressed
    r = CliRunner().invoke(
        app, ["outreach", "--database-url", f"sqlite:///{db}", "--principal", "nobody"]
    )
    assert r.exit_code == 2 and "unknown user" in r.output
