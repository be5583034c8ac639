"""Snapshot, search and caseload through the API: each agency sees what its agreements grant."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from openhhs.audit import person_history


def _enrollments_by_agency(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["agency"]: e for e in body["enrollments"] if "agency" in e}


def test_hra_caseworker_sees_dhs_shelter_and_worker_contact_but_no_case_number(ro_world, as_user):
    c = as_user("hra.caseworker", "case_management")
    r = c.get(f"/api/v1/persons/{ro_world.city.people['maria']}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["person"]["name"] == "Maria Lopez"  # stored "MARIA LOPEZ", shown readable
    assert body["person"]["dob"] == "1985-04-28"
    dhs = _enrollments_by_agency(body)["DHS"]
    assert dhs["program"]["name"] == "Family shelter"
    assert dhs["worker_contact"]["name"] == "Sam Lee"  # the other agency's worker
    assert dhs["worker_contact"]["phone"] == "+17185550102"
    assert dhs["case_number"] == {
        "redacted": True,
        "reason": "not shared with your agency under any agreement",
    }
    assert _enrollments_by_agency(body)["HRA"]["case_number"] == "HRA-778812"  # own agency
    # DOHMH is shared with HRA under DSA-DOHMH-DSS-01 because Maria consented
    assert "DOHMH" in body["served_by"] and body["served_by"] == ["DHS", "DOHMH", "HRA"]
    assert [a["type"] for a in body["alerts"]] == ["shelter_entry"]
    assert any(i["agency"] == "DHS" and "shelter entry" in i["what"] for i in body["timeline"])
    assert body["redactions"]["enrollment.case_number"]


def test_dhs_caseworker_sees_hra_benefits_but_nothing_of_mental_health(ro_world, as_user):
    c = as_user("dhs.caseworker", "case_management")
    body = c.get(f"/api/v1/persons/{ro_world.city.people['maria']}").json()
    hra = _enrollments_by_agency(body)["HRA"]
    assert hra["program"]["name"] == "SNAP"
    assert hra["worker_contact"]["email"] == "alex.rivera@hra.example"
    assert body["person"]["ssn_last4"] == "1234"  # DSA-HRA-DHS-01 shares the last 4
    assert "DOHMH" not in body["served_by"]
    # no consent to DHS: not redacted with a marker, simply absent (a marker would disclose it)
    text = str(body)
    assert "Mental health" not in text and "mh_service" not in text and "Dana Kim" not in text
    assert [m["name"] for m in body["household"]["members"]] == ["Maria Lopez", "Luis Lopez"]
    assert body["documents"] == [{"redacted": True, "reason": body["documents"][0]["reason"]}]


def test_reads_are_audited_with_agreement_ids(ro_world, as_user):
    c = as_user("hra.caseworker", "case_management")
    eid = ro_world.city.people["maria"]
    assert c.get(f"/api/v1/persons/{eid}").status_code == 200
    with Session(ro_world.engine) as s:
        entries = person_history(s, eid)
    reads = [e for e in entries if e.actor.startswith("user:") and e.outcome.value == "success"]
    assert reads, "the snapshot read must be in the audit log"
    assert any("DSA-DHS-HRA-01" in (e.agreement_id or "") for e in reads)
    assert any("person.name" in e.elements for e in reads)


def test_idor_other_agency_only_person_and_unknown_ids_look_the_same(ro_world, as_user):
    c = as_user("dhs.caseworker", "case_management")
    john = c.get(f"/api/v1/persons/{ro_world.city.people['john']}")
    unknown = c.get("/api/v1/persons/EZZZZZZZZZZZZ")
    assert john.status_code == unknown.status_code == 404
    assert john.json()["error"]["message"] == unknown.json()["error"]["message"]
    hostile = c.get("/api/v1/persons/1%20OR%201=1")
    assert hostile.status_code == 422


def test_purpose_is_required_and_spoofing_is_refused(ro_world):
    c = ro_world.session_client("hra.caseworker")  # signed in, no purpose chosen
    eid = ro_world.city.people["maria"]
    assert c.get(f"/api/v1/persons/{eid}").status_code == 403
    r = c.get(f"/api/v1/persons/{eid}", headers={"X-OpenHHS-Purpose": "research"})
    assert r.status_code == 403 and "not allowed" in r.json()["error"]["message"]
    assert ro_world.client().get(f"/api/v1/persons/{eid}").status_code == 401


def test_search_is_ranked_paginated_and_never_browse_all(ro_world, as_user):
    c = as_user("hra.caseworker", "case_management")
    r = c.get("/api/v1/persons", params={"last_name": "lopez", "first_name": "maría"})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert results[0]["enterprise_id"] == ro_world.city.people["maria"]
    assert results[0]["score"] > results[-1]["score"] or len(results) == 1
    too_broad = c.get("/api/v1/persons", params={"last_name": "Lopez"})
    assert too_broad.status_code == 422
    assert "too broad" in too_broad.json()["error"]["message"]
    assert c.get("/api/v1/persons").status_code == 422
    page = c.get(
        "/api/v1/persons",
        params={"last_name": "Lopez", "dob": "1985-04-28", "page_size": 1, "page": 2},
    )
    assert page.status_code == 200 and page.json()["page"] == 2
    assert c.get("/api/v1/persons", params={"last_name": "x", "page_size": 51}).status_code == 422
    assert (
        c.get("/api/v1/persons", params={"dob": "not a date", "last_name": "L"}).status_code == 422
    )


def test_case_number_search_is_own_agency_only(ro_world, as_user):
    hra = as_user("hra.caseworker", "case_management")
    found = hra.get("/api/v1/persons", params={"case_number": "HRA-778812"}).json()["results"]
    assert {r["enterprise_id"] for r in found} == {
        ro_world.city.people["maria"],
        ro_world.city.people["luis"],
    }
    dhs = as_user("dhs.caseworker", "case_management")
    assert dhs.get("/api/v1/persons", params={"case_number": "HRA-778812"}).json()["results"] == []


def test_search_hides_people_nothing_is_shared_about(ro_world, as_user):
    c = as_user("dhs.caseworker", "case_management")
    r = c.get("/api/v1/persons", params={"first_name": "John", "last_name": "Doe"})
    assert r.status_code == 200 and r.json()["results"] == []


def test_caseload_lists_my_clients_active_elsewhere(ro_world, as_user):
    c = as_user("hra.caseworker", "case_management")
    results = c.get("/api/v1/caseload").json()["results"]
    assert [e["enterprise_id"] for e in results] == [ro_world.city.people["maria"]]
    assert results[0]["other_agencies"] == ["DHS", "DOHMH"]
    assert results[0]["my_programs"] == ["SNAP"]
    dhs = as_user("dhs.caseworker", "case_management").get("/api/v1/caseload").json()
    assert [e["other_agencies"] for e in dhs["results"]] == [["HRA"]]  # DOHMH not disclosed


def test_a_merged_id_shows_its_survivors_snapshot(world):
    """Reads assume an active ID; an alias is read again for the survivor it was merged into."""
    from openhhs.cci import registry

    maria, anna = world.city.people["maria"], world.city.people["anna"]
    with Session(world.engine) as s:
        registry.merge(s, maria, anna, actor="test")
        s.commit()
    c = world.session_client("hra.caseworker", "case_management")
    via_alias = c.get(f"/api/v1/persons/{anna}")
    direct = c.get(f"/api/v1/persons/{maria}")
    assert via_alias.status_code == 200 and direct.status_code == 200, via_alias.text
    assert via_alias.json()["person_id"] == maria
    assert via_alias.json()["served_by"] == direct.json()["served_by"]
    assert via_alias.json()["person"] == direct.json()["person"]
    assert c.get("/api/v1/persons/E-NO-SUCH-ID").status_code == 404
