"""Golden record: per-field survivorship (trust, recency, frequency), provenance, overrides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from openhhs.cci import golden, registry
from openhhs.cci.golden import Survivorship, golden_record, set_override
from openhhs.errors import InvalidInput, NotFound

PersonFactory = Callable[..., Any]
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
CONFIG = Survivorship.from_mapping(
    {"default": ["HRA", "DHS", "DOE"], "fields": {"dob": ["DOE", "HRA", "DHS"]}}
)


def test_trust_ranking_per_field_wins(session: Session, add_person: PersonFactory) -> None:
    hra = add_person(agency="HRA", first_name="MARIA", dob="1984-03-12", phone="+12125550100")
    doe = add_person(agency="DOE", first_name="MARIE", dob="1984-12-03", phone="+12125550199")
    registry.assign_enterprise_ids(session, [[hra.id, doe.id]])
    eid = registry.enterprise_id_of(session, hra.id) or ""
    g = golden_record(session, eid, config=CONFIG)
    assert g.fields["first_name"] == "MARIA"  # default order: HRA first
    assert g.fields["dob"] == "1984-12-03"  # dob order: DOE first
    prov = g.provenance["dob"]
    assert prov.rule == "trust" and prov.source_person_id == doe.id and prov.agency_id == "DOE"
    assert prov.source_system_id == "doe_ats" and prov.source_id == doe.source_id
    assert set(g.source_person_ids) == {hra.id, doe.id}
    assert "ssn" not in g.fields  # nobody has one: no value, no invention


def test_recency_then_frequency_break_ties(session: Session, add_person: PersonFactory) -> None:
    old = add_person(agency="DHS", last_name="SMITH", street="1 A ST", source_updated_at=T0)
    new = add_person(
        agency="DHS", last_name="SMYTHE", street="2 B ST", source_updated_at=T0 + dt.timedelta(9)
    )
    same_a = add_person(agency="DOE", first_name="ANA", source_updated_at=T0)
    same_b = add_person(agency="DOE", first_name="ANA", source_updated_at=T0)
    other = add_person(agency="DOE", first_name="ANNA", source_updated_at=T0)
    registry.assign_enterprise_ids(session, [[old.id, new.id, same_a.id, same_b.id, other.id]])
    g = golden_record(session, registry.enterprise_id_of(session, old.id) or "", config=CONFIG)
    assert g.fields["last_name"] == "SMYTHE" and g.provenance["last_name"].rule == "recency"
    assert g.fields["first_name"] == "ANA" and g.provenance["first_name"].rule == "frequency"


def test_override_wins_and_sticks_across_reruns_and_merges(
    session: Session, add_person: PersonFactory
) -> None:
    a = add_person(agency="HRA", first_name="MARIA", last_name="GONZALEZ")
    b = add_person(agency="DHS", first_name="MARIA", last_name="GONZALEZ")
    c = add_person(agency="DOE", first_name="MARIA", last_name="GONZALEZ-RUIZ")
    registry.assign_enterprise_ids(session, [[a.id, b.id], [c.id]])
    eid = registry.enterprise_id_of(session, a.id) or ""
    set_override(session, eid, "last_name", "GONZALEZ RUIZ", actor="steward1", reason="ID card")
    registry.assign_enterprise_ids(session, [[a.id, b.id], [c.id]])  # a no-change re-run
    g = golden_record(session, eid)
    assert g.fields["last_name"] == "GONZALEZ RUIZ"
    assert g.provenance["last_name"].rule == "steward"
    assert g.provenance["last_name"].actor == "steward1"
    # a merge keeps the override on the survivor
    registry.assign_enterprise_ids(session, [[a.id, b.id, c.id]])
    g2 = golden_record(session, registry.enterprise_id_of(session, c.id) or "")
    assert g2.enterprise_id == eid and g2.fields["last_name"] == "GONZALEZ RUIZ"
    golden.clear_override(session, eid, "last_name")
    assert golden_record(session, eid).fields["last_name"] == "GONZALEZ"
    assert golden_record(session, eid).as_dict()["provenance"]["last_name"]["rule"] == "trust"


def test_deleted_records_do_not_contribute(session: Session, add_person: PersonFactory) -> None:
    a = add_person(agency="HRA", first_name="MARIA", is_deleted=True)
    b = add_person(agency="DHS", first_name="MARIE")
    registry.assign_enterprise_ids(session, [[a.id, b.id]])
    g = golden_record(session, registry.enterprise_id_of(session, b.id) or "")
    assert g.fields["first_name"] == "MARIE" and g.provenance["first_name"].rule == "only"


def test_bad_overrides_and_configs_are_refused(session: Session, add_person: PersonFactory) -> None:
    a = add_person(first_name="X")
    registry.assign_enterprise_ids(session, [[a.id]])
    eid = registry.enterprise_id_of(session, a.id) or ""
    with pytest.raises(InvalidInput):
        set_override(session, eid, "favourite_colour", "red", actor="s")
    with pytest.raises(InvalidInput):
        set_override(session, eid, "first_name", {"nested": 1}, actor="s")
    with pytest.raises(NotFound):
        golden_record(session, "ENOSUCHID0000")
    with pytest.raises(InvalidInput):
        Survivorship.from_mapping({"fields": {"shoe_size": ["HRA"]}})
    assert golden.default_survivorship().rank("dob", "DOE") < golden.default_survivorship().rank(
        "dob", "DOC"
    )
