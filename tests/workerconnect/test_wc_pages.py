"""Portal pages through the HTML surface: sign-in, purpose, search, snapshot, sensitive prompt."""

from __future__ import annotations

from sqlalchemy.orm import Session

from openhhs.model import SourcePerson


def test_signed_out_pages_redirect_to_sign_in(ro_world):
    c = ro_world.client()
    r = c.get("/wc/search", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/wc/signin?next=%2Fwc%2Fsearch"
    assert "Sign in" in c.get("/wc/signin").text


def test_wrong_password_is_a_generic_401_page(ro_world):
    r = ro_world.client().post("/wc/signin", data={"username": "hra.caseworker", "password": "no"})
    assert r.status_code == 401
    assert "Sign-in failed" in r.text
    r = ro_world.client().post("/wc/signin", data={"username": "nobody", "password": "nope-nope"})
    assert r.status_code == 401 and "Sign-in failed" in r.text


def test_purpose_is_chosen_before_any_search(ro_world):
    c = ro_world.session_client("hra.caseworker")
    r = c.get("/wc/search", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/wc/purpose")
    page = c.get("/wc/purpose").text
    assert 'value="case_management"' in page
    assert 'value="research"' not in page  # not allowed for a caseworker
    r = c.post("/wc/purpose", data={"purpose": "research"}, follow_redirects=False)
    assert r.status_code == 403


def test_unsafe_requests_need_the_csrf_token(ro_world):
    c = ro_world.session_client("hra.caseworker")
    del c.headers["X-CSRF-Token"]
    r = c.post("/wc/purpose", data={"purpose": "case_management"}, follow_redirects=False)
    assert r.status_code == 403


def test_search_page_and_htmx_partial(ro_world, as_user):
    c = as_user("hra.caseworker", "case_management")
    page = c.get("/wc/search", params={"first_name": "Maria", "last_name": "Lopez"})
    assert page.status_code == 200
    assert f"/wc/person/{ro_world.city.people['maria']}" in page.text
    partial = c.get(
        "/wc/search/results", params={"last_name": "Lopez"}, headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200 and "<html" not in partial.text
    assert "too broad" in partial.text


def test_snapshot_page_holds_sensitive_items_behind_a_purpose_prompt(ro_world, as_user):
    c = as_user("hra.caseworker", "case_management")
    eid = ro_world.city.people["maria"]
    page = c.get(f"/wc/person/{eid}").text
    assert "Served by 2 agencies" in page  # HRA and DHS; DOHMH waits behind the prompt
    assert "Sam Lee" in page and "+17185550102" in page
    assert "Dana Kim" not in page and "Mental health care coordination" not in page
    assert "NY Mental Hygiene Law § 33.13" in page
    assert "Not shown" in page and "not shared with your agency" in page  # DHS case number
    opened = c.post(f"/wc/person/{eid}/sensitive/mental_health", headers={"HX-Request": "true"})
    assert opened.status_code == 200
    assert "Dana Kim" in opened.text and "Mental health care coordination" in opened.text


def test_dhs_gets_no_prompt_for_what_it_may_not_see(ro_world, as_user):
    c = as_user("dhs.caseworker", "case_management")
    eid = ro_world.city.people["maria"]
    page = c.get(f"/wc/person/{eid}").text
    assert "Mental Hygiene" not in page and "Dana Kim" not in page
    r = c.post(f"/wc/person/{eid}/sensitive/mental_health")
    assert r.status_code == 200 and "Dana Kim" not in r.text


def test_caseload_and_review_pages(ro_world, as_user):
    hra = as_user("hra.caseworker", "case_management")
    assert "DHS, DOHMH" in hra.get("/wc/caseload").text
    assert hra.get("/wc/review").status_code == 403
    steward = as_user("hra.steward", "data_quality")
    queue = steward.get("/wc/review").text
    # names in readable case, as on the caseworker pages; stored as "ANNA RUIZ" / "ANA RUIZ"
    assert "Anna Ruiz" in queue and "Ana Ruiz" in queue
    assert "ANNA RUIZ" not in queue and "ANA RUIZ" not in queue
    item = steward.get(f"/wc/review/{ro_world.city.review_item_id}").text
    assert "prior (λ)" in item and "oh-waterfall__bar" in item
    assert "Anna Ruiz" in item and "Ana Ruiz" in item
    assert "ANNA RUIZ" not in item and "ANA RUIZ" not in item
    with Session(ro_world.engine) as s:
        anna = s.get(SourcePerson, ro_world.city.records["dhs_hmis:D-2003"])
        assert anna is not None and (anna.first_name, anna.last_name) == ("ANNA", "RUIZ")


def test_spanish_pages(ro_world, as_user):
    c = as_user("hra.caseworker", "case_management")
    page = c.get("/wc/search", headers={"Accept-Language": "es"}).text
    assert "Buscar un cliente" in page and 'lang="es"' in page


def test_sign_out_ends_the_session(ro_world):
    c = ro_world.session_client("hra.caseworker", "case_management")
    assert c.post("/wc/signout", follow_redirects=False).status_code == 303
    r = c.get("/api/v1/caseload")
    assert r.status_code == 401
