"""The snapshot's decision facts, taken from the records it read, equal what load_facts reads."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.access import Principal
from openhhs.access.facts import load_facts
from openhhs.access.principal import PrincipalKind
from openhhs.access.vocab import Role
from openhhs.cci.models import EnterpriseId
from openhhs.errors import NotFound
from openhhs.workerconnect.service import build_payload_and_facts


def test_snapshot_facts_equal_load_facts(ro_world):
    caller = Principal(
        id="user:t", kind=PrincipalKind.USER, agency="HRA", roles=frozenset({Role.CASEWORKER})
    )
    at = dt.datetime.now(dt.UTC)
    seen = []
    with Session(ro_world.engine) as s:
        for eid in s.scalars(select(EnterpriseId.id).order_by(EnterpriseId.id)).all():
            try:
                survivor, _payload, facts = build_payload_and_facts(s, caller, eid, at=at)
            except NotFound:
                continue
            assert facts is not None and facts == load_facts(s, survivor, at=at), eid
            seen.append(facts)
    assert len(seen) >= 5
    assert any(f.active_case_agencies for f in seen) and any(f.consents for f in seen)
    assert any(len(f.record_agencies) > 1 for f in seen)
