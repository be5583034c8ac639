"""load_facts_many (a search page's facts in a few queries) gives exactly what load_facts gives."""

from __future__ import annotations

import datetime as dt

from access_city import principal, seed_city
from sqlalchemy.orm import Session

from openhhs.access.consent import give_consent
from openhhs.access.facts import load_facts, load_facts_many
from openhhs.cci.models import EID_STATUS_MERGED, EnterpriseId, Link


def test_batched_facts_equal_one_by_one(session: Session) -> None:
    links = seed_city(session)
    eids = {name: f"EID{i}" for i, name in enumerate(sorted(links))}
    session.add_all([EnterpriseId(id=e) for e in eids.values()])
    session.add(EnterpriseId(id="EIDOLD"))
    session.flush()
    old = session.get(EnterpriseId, "EIDOLD")
    assert old is not None
    old.status, old.merged_into = EID_STATUS_MERGED, eids["E-ALICE"]
    for name, ids in links.items():
        for sp in ids:
            session.add(Link(source_person_id=sp, enterprise_id=eids[name], method="batch"))
    session.commit()
    officer = principal("HRA", "privacy_officer")
    for pid in ("EIDOLD", eids["E-BOB"]):  # under an alias (unbatched) and a plain id (batched)
        give_consent(
            session,
            person_id=pid,
            recipients=["HRA"],
            purposes=["case_management"],
            categories=["mental_health"],
            recorded_by=officer,
            method="written",
        )
    session.commit()
    at = dt.datetime.now(dt.UTC)
    asked = [*eids.values(), "EIDOLD", "NO-SUCH-ID", eids["E-BOB"]]
    many = load_facts_many(session, asked, at=at)
    assert set(many) == set(asked)
    for pid in asked:
        assert many[pid] == load_facts(session, pid, at=at), pid
    assert many[eids["E-BOB"]].consents, "the consent given under the plain id is in effect"
    assert many[eids["E-BOB"]].record_agencies
    assert many["NO-SUCH-ID"].record_agencies == frozenset()
