"""With the real Common Client Index: Enterprise IDs resolve to agency records, and consent
recorded under an ID that was later merged still applies to the survivor."""

from __future__ import annotations

from access_city import principal, seed_city, snapshot
from sqlalchemy.orm import Session

from openhhs.access import enforce
from openhhs.access.consent import give_consent
from openhhs.access.persons import person_aliases, source_person_ids
from openhhs.cci.models import EID_STATUS_MERGED, EnterpriseId, Link


def test_merged_ids_keep_their_consent(session: Session) -> None:
    links = seed_city(session)
    session.add_all([EnterpriseId(id="EIDA"), EnterpriseId(id="EIDB")])
    session.flush()
    session.get(EnterpriseId, "EIDB").status = EID_STATUS_MERGED  # type: ignore[union-attr]
    session.get(EnterpriseId, "EIDB").merged_into = "EIDA"  # type: ignore[union-attr]
    for sp in links["E-ALICE"]:
        session.add(Link(source_person_id=sp, enterprise_id="EIDA", method="batch"))
    session.commit()
    assert sorted(source_person_ids(session, "EIDB")) == sorted(links["E-ALICE"])
    assert person_aliases(session, "EIDA") == ["EIDA", "EIDB"]
    assert person_aliases(session, "EIDB") == ["EIDA", "EIDB"]  # asked through the alias
    assert person_aliases(session, "NO-SUCH-ID") == ["NO-SUCH-ID"]
    assert source_person_ids(session, "NO-SUCH-ID") == []

    worker = principal("HRA", "caseworker", pid="user:cci-test")
    payload = {**snapshot(session, "E-ALICE", links), "person_id": "EIDA"}
    before = enforce(worker, "case_management", "EIDA", payload, session=session)
    assert "DOHMH" not in {e.get("agency") for e in before.payload["enrollments"]}
    give_consent(
        session,
        person_id="EIDB",  # recorded before the merge, under the absorbed id
        recipients=["HRA"],
        purposes=["case_management"],
        categories=["mental_health"],
        recorded_by=principal("HRA", "privacy_officer"),
        method="written",
    )
    session.commit()
    after = enforce(worker, "case_management", "EIDA", payload, session=session)
    assert "DOHMH" in {e.get("agency") for e in after.payload["enrollments"]}
    assert "DSA-DOHMH-DSS-01" in after.agreement_ids
