"""The agency push API: upsert/delete by (source system, source id), linked at once, idempotent."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.audit.models import AuditEntry
from openhhs.model import Enrollment, SourcePerson


def test_pushed_record_links_and_shows_in_the_other_agencys_snapshot(world, maria):
    dhs = world.token_client("dhs_hmis")
    r = dhs.put("/api/v1/push/dhs_hmis/persons/D-9001", json=maria)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["outcome"] == "inserted"
    assert body["match_outcome"] == "linked"
    assert body["enterprise_id"] == world.city.people["maria"]
    r = dhs.put(
        "/api/v1/push/dhs_hmis/enrollments/E-D-9001",
        json={
            "person_source_id": "D-9001",
            "program_id": "DHS.SHELTER",
            "status": "active",
            "start_date": "2026-01-05",
            "worker_name": "Kim Novak",
            "worker_phone": "+17185550999",
        },
    )
    assert r.status_code == 200 and r.json()["outcome"] == "inserted"
    hra = world.session_client("hra.caseworker", "case_management")
    snap = hra.get(f"/api/v1/persons/{world.city.people['maria']}").json()
    workers = [e["worker_contact"]["name"] for e in snap["enrollments"] if e.get("agency") == "DHS"]
    assert "Kim Novak" in workers


def test_same_body_is_unchanged_and_idempotency_keys_replay_or_conflict(world, maria):
    c = world.token_client("hra_wms")
    person = {**maria, "first_name": "Rosa", "ssn": None, "dob": "1970-02-03"}
    key = {"Idempotency-Key": "push-0001-abcdef"}
    first = c.put("/api/v1/push/hra_wms/persons/H-9001", json=person, headers=key)
    assert first.status_code == 200 and first.json()["outcome"] == "inserted"
    replay = c.put("/api/v1/push/hra_wms/persons/H-9001", json=person, headers=key)
    assert replay.json() == first.json()
    assert replay.headers["idempotent-replayed"] == "true"
    changed = c.put(
        "/api/v1/push/hra_wms/persons/H-9001", json={**person, "first_name": "Rose"}, headers=key
    )
    assert changed.status_code == 409 and changed.json()["error"]["code"] == "conflict"
    again = c.put("/api/v1/push/hra_wms/persons/H-9001", json=person)
    assert again.json()["outcome"] == "unchanged"
    bad_key = c.put(
        "/api/v1/push/hra_wms/persons/H-9001", json=person, headers={"Idempotency-Key": "x"}
    )
    assert bad_key.status_code == 422


def test_push_into_another_agencys_system_is_403_and_audited(ro_world, maria):
    c = ro_world.token_client("hra_wms")
    r = c.put("/api/v1/push/dhs_hmis/persons/D-666", json=maria)
    assert r.status_code == 403
    r = c.put("/api/v1/push/no_such_system/persons/D-666", json=maria)
    assert r.status_code == 403  # same answer: no probing of other systems' names
    with Session(ro_world.engine) as s:
        assert s.scalar(select(SourcePerson).where(SourcePerson.source_id == "D-666")) is None
        denied = s.scalars(select(AuditEntry).where(AuditEntry.outcome == "denied")).all()
    assert any("dhs_hmis" in str(e.detail) for e in denied)


def test_a_caseworker_cannot_push(ro_world, maria):
    c = ro_world.session_client("hra.caseworker", "case_management")
    assert c.put("/api/v1/push/hra_wms/persons/H-1", json=maria).status_code == 403
    assert ro_world.client().put("/api/v1/push/hra_wms/persons/H-1", json=maria).status_code == 401


def test_delete_tombstones_unlinks_and_missing_is_404(world):
    c = world.token_client("hra_wms")
    assert c.delete("/api/v1/push/hra_wms/persons/NOPE-1").status_code == 404
    r = c.delete("/api/v1/push/hra_wms/persons/H-1003")
    assert r.status_code == 200 and r.json()["outcome"] == "tombstoned"
    assert c.delete("/api/v1/push/hra_wms/persons/H-1003").json()["outcome"] == "unchanged"
    assert c.delete("/api/v1/push/hra_wms/enrollments/NOPE").status_code == 404
    r = c.delete("/api/v1/push/hra_wms/enrollments/E-H-2")
    assert r.json()["outcome"] == "tombstoned"
    with Session(world.engine) as s:
        e = s.scalar(select(Enrollment).where(Enrollment.source_id == "E-H-2"))
        assert e is not None and e.is_deleted


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"first_name": "Ana"', 400),  # malformed JSON
        (b'{"first_name": 12}', 422),  # wrong type
        (b'{"first_name": "Ana", "favourite_colour": "blue"}', 422),  # unknown field
        (b'{"first_name": "A\\u0000na"}', 422),  # NUL byte
        (b'{"first_name": "' + b"x" * 5000 + b'"}', 422),  # over the field limit
        (b"[1, 2, 3]", 422),
    ],
)
def test_bad_bodies_are_clear_errors_and_write_nothing(ro_world, body, status):
    c = ro_world.token_client("hra_wms")
    r = c.put(
        "/api/v1/push/hra_wms/persons/H-BAD",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert r.status_code == status, r.text
    assert set(r.json()["error"]) == {"code", "message", "request_id", "details"}
    with Session(ro_world.engine) as s:
        assert s.scalar(select(SourcePerson).where(SourcePerson.source_id == "H-BAD")) is None


def test_ten_megabyte_push_is_413(ro_world):
    c = ro_world.token_client("hra_wms")
    r = c.put(
        "/api/v1/push/hra_wms/persons/H-BIG",
        content=b'{"first_name": "' + b"a" * (10 * 1024 * 1024) + b'"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413


def test_unicode_names_round_trip(world):
    c = world.token_client("hra_wms")
    person = {"first_name": "Zoë", "last_name": "Nguyễn-Ñúñez", "dob": "2001-12-31"}
    r = c.put("/api/v1/push/hra_wms/persons/H-UNI", json=person)
    assert r.status_code == 200, r.text
    r = c.put("/api/v1/push/hra_wms/persons/H-%F0%9F%98%80", json=person)
    assert r.status_code == 422  # source ids are plain identifiers


def test_enrollment_and_event_validation(world):
    c = world.token_client("hra_wms")
    base = {"person_source_id": "H-1001", "status": "active"}
    r = c.put("/api/v1/push/hra_wms/enrollments/E-X", json={**base, "program_id": "DHS.SHELTER"})
    assert r.status_code == 422  # another agency's program
    r = c.put(
        "/api/v1/push/hra_wms/enrollments/E-X",
        json={
            **base,
            "program_id": "HRA.SNAP",
            "start_date": "2026-02-01",
            "end_date": "2026-01-01",
        },
    )
    assert r.status_code == 422
    r = c.put(
        "/api/v1/push/hra_wms/enrollments/E-X",
        json={**base, "program_id": "HRA.SNAP", "person_source_id": "NOPE"},
    )
    assert r.status_code == 404
    r = c.put(
        "/api/v1/push/hra_wms/events/V-X",
        json={
            "person_source_id": "H-1001",
            "type": "case_closing",
            "occurred_at": "2026-11-01T10:00:00Z",
        },
    )
    assert r.status_code == 200 and r.json()["outcome"] == "inserted"
    r = c.put(
        "/api/v1/push/hra_wms/events/V-Y",
        json={
            "person_source_id": "H-1001",
            "type": "alien_abduction",
            "occurred_at": "2026-11-01T10:00:00Z",
        },
    )
    assert r.status_code == 422


def test_batch_is_all_or_nothing(world):
    c = world.token_client("hra_wms")
    ops = [
        {
            "op": "upsert_person",
            "source_id": "H-B1",
            "person": {"first_name": "Bea", "last_name": "Stone", "dob": "1960-06-06"},
        },
        {
            "op": "upsert_enrollment",
            "source_id": "E-B1",
            "enrollment": {
                "person_source_id": "H-B1",
                "program_id": "HRA.SNAP",
                "status": "active",
            },
        },
        {"op": "delete_person", "source_id": "DOES-NOT-EXIST"},
    ]
    r = c.post("/api/v1/push/hra_wms/batch", json={"operations": ops})
    assert r.status_code == 422 and r.json()["error"]["details"]["index"] == 2
    with Session(world.engine) as s:
        assert s.scalar(select(SourcePerson).where(SourcePerson.source_id == "H-B1")) is None
    r = c.post("/api/v1/push/hra_wms/batch", json={"operations": ops[:2]})
    assert r.status_code == 200, r.text
    assert [x["outcome"] for x in r.json()["results"]] == ["inserted", "inserted"]
    assert c.post("/api/v1/push/hra_wms/batch", json={"operations": []}).status_code == 422
    wrong = [{"op": "upsert_person", "source_id": "H-B2"}]
    assert c.post("/api/v1/push/hra_wms/batch", json={"operations": wrong}).status_code == 422
