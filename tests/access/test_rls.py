"""Agency segregation in the database: PostgreSQL row-level security as defence in depth."""

from __future__ import annotations

import datetime as dt

import pytest
from access_city import principal, seed_city
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from openhhs.access.rls import acting_agencies, set_acting_agencies, set_acting_principal
from openhhs.access.store import shipped_policy
from openhhs.db import make_engine
from openhhs.model import SourcePerson

TESTER = "openhhs_rls_tester"


def _app_role_engine(owner: Engine) -> Engine:
    """An engine logged in as a non-owner member of openhhs_app (created once per cluster)."""
    admin = create_engine(
        owner.url.set(database="postgres"), isolation_level="AUTOCOMMIT", pool_pre_ping=True
    )
    with admin.connect() as conn:
        conn.execute(
            text(
                f"DO $$ BEGIN CREATE ROLE {TESTER} LOGIN PASSWORD 'rls-tester' IN ROLE openhhs_app;"
                " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            )
        )
    admin.dispose()
    url = make_url(owner.url.render_as_string(hide_password=False))
    return make_engine(url.set(username=TESTER, password="rls-tester").render_as_string(False))


def _dhs_person() -> SourcePerson:
    return SourcePerson(
        agency_id="DHS",
        source_system_id="dhs_sys",
        source_id="SMUGGLED",
        record_hash="0" * 64,
        raw={},
    )


def test_a_query_that_forgets_the_agency_filter_sees_only_the_acting_agency(
    engine: Engine, session: Session
) -> None:
    if engine.dialect.name != "postgresql":
        # SQLite has no row-level security: the helper is a no-op and enforce() is the guard.
        set_acting_agencies(session, ["HRA"])
        total = session.scalar(text("select count(*) from source_person"))
        assert total == 0
        return
    seed_city(session)
    app = _app_role_engine(engine)
    try:
        with Session(app) as s:
            assert s.scalar(text("select current_user")) == TESTER
            owner = s.scalar(
                text("select tableowner from pg_tables where tablename='source_person'")
            )
            assert owner != TESTER
            # nothing at all before the acting agency is set (deny by default)
            assert s.scalar(text("select count(*) from source_person")) == 0
            set_acting_agencies(s, ["HRA"])
            rows = s.execute(text("select agency_id, raw from source_person")).all()
            assert rows and {r[0] for r in rows} == {"HRA"}
            assert {r[0] for r in s.execute(text("select agency_id from enrollment"))} == {"HRA"}
            # writing another agency's row is refused too
            s.add(_dhs_person())
            with pytest.raises(DBAPIError, match="row-level security"):
                s.flush()
            s.rollback()
            # SET LOCAL ends with the transaction
            assert s.scalar(text("select count(*) from source_person")) == 0
            # a principal acts for its agency and the providers of agreements naming it
            agencies = set_acting_principal(s, principal("DHS", "caseworker"))
            seen = {r[0] for r in s.execute(text("select distinct agency_id from source_person"))}
            assert agencies == ["ACS", "DHS", "DOC", "DOHMH", "HRA", "NYCHA"]
            # the city holds records at DHS, DOC, DOHMH and HRA; DOHMH's rows are readable since
            # DSA-DOHMH-DSS-01 names DHS (fields are still filtered by enforce)
            assert seen == {"DHS", "DOC", "DOHMH", "HRA"}
            s.rollback()
            # the consent history is append-only for the app role
            with pytest.raises(DBAPIError, match="permission denied"):
                s.execute(text("update access_consent set notes = 'x'"))
            s.rollback()
    finally:
        app.dispose()


def test_acting_agencies_follow_agreements_in_force() -> None:
    on = dt.date(2026, 11, 23)
    assert acting_agencies(principal("DOC", "caseworker"), shipped_policy(), on) == ["DOC"]
    assert acting_agencies(principal("DFTA", "caseworker"), shipped_policy(), on) == [
        "DFTA",
        "DHS",
        "HRA",
    ]
    with pytest.raises(ValueError):
        set_acting_agencies(None, ["DHS'; drop table x; --"])  # type: ignore[arg-type]
