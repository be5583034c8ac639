"""`openhhs link` over stored source person records (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from openhhs.linkage.run import link_database
from openhhs.model.agency import Agency, SourceSystem
from openhhs.model.person import SourcePerson


def _person(source_id: str, **kw: object) -> SourcePerson:
    return SourcePerson(
        agency_id="HRA",
        source_system_id="hra_test",
        source_id=source_id,
        raw={},
        record_hash=source_id.ljust(64, "0"),
        **kw,
    )


def test_link_database_clusters_stored_records(engine: Engine, database_url: str) -> None:
    maria = {
        "first_name": "MARIA",
        "last_name": "GONZALEZ",
        "dob": dt.date(1984, 3, 7),
        "ssn": "212551234",
        "ssn_last4": "1234",
        "street": "55 OCEAN AVE",
        "zip5": "11226",
    }
    with Session(engine) as session:
        session.add(Agency(id="HRA", name="Human Resources Administration"))
        session.add(SourceSystem(id="hra_test", agency_id="HRA", name="test"))
        session.flush()
        session.add_all(
            [
                _person("1", **maria),
                _person("2", **(maria | {"first_name": "MARIA", "street": None})),
                _person("3", first_name="JOHN", last_name="OKAFOR", dob=dt.date(1990, 1, 2)),
                _person("4", **(maria | {"is_deleted": True})),
                _person("5"),  # nothing but keys: never linked
            ]
        )
        session.commit()
    stats = link_database(database_url)
    assert stats["records"] == 4  # the tombstoned record is not linked
    assert stats["clusters"] == 3
    assert stats["largest_cluster"] == 2
    assert "enterprise_ids" in stats
