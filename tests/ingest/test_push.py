"""The push API's writes: idempotent upsert and tombstone by (source system, source id)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openhhs.errors import InvalidInput, NotFound
from openhhs.ingest import PersonIn, delete_person, upsert_person
from openhhs.model import IngestBatch, SourcePerson
from openhhs.model.codes import BatchMode, IdentifierKind, Race


def maria(**kw: object) -> PersonIn:
    data: dict[str, object] = {
        "source_system": "hra_wms",
        "source_id": "AB12345C",
        "first_name": "María",
        "last_name": "García-López",
        "dob": "1984-03-07",
        "sex": "female",
        "races": ["White", "Hispanic or Latino"],
        "ssn": "234-56-7891",
        "phones": ["(718) 555-0143"],
        "street": "123 Main Street",
        "unit": "Apt 4B",
        "city": "Brooklyn",
        "state": "NY",
        "zip": "11201",
        "language": "Spanish",
        "identifiers": {"medicaid_cin": "AB12345C"},
    }
    data.update(kw)
    return PersonIn.model_validate(data)


def test_upsert_is_idempotent_and_goes_through_standardization(session: Session) -> None:
    first = upsert_person(session, maria())
    assert first.outcome == "inserted" and first.agency_id == "HRA"
    again = upsert_person(session, maria())
    assert again.outcome == "unchanged" and again.id == first.id
    assert session.scalar(select(func.count()).select_from(IngestBatch)) == 1
    p = session.get(SourcePerson, first.id)
    assert p is not None
    assert (p.first_name, p.last_name, p.last_name_parts) == (
        "MARIA",
        "GARCIA LOPEZ",
        ["GARCIA", "LOPEZ"],
    )
    assert (p.ssn, p.phone, p.zip5, p.primary_language) == (
        "234567891",
        "+17185550143",
        "11201",
        "spa",
    )
    assert {r.category for r in p.races} == {Race.WHITE, Race.HISPANIC}
    assert [(i.kind, i.value) for i in p.identifiers] == [(IdentifierKind.MEDICAID_CIN, "AB12345C")]
    batch = session.get(IngestBatch, p.batch_id)
    assert batch is not None and batch.mode is BatchMode.API


def test_a_change_updates_delete_tombstones_and_a_new_push_restores(session: Session) -> None:
    first = upsert_person(session, maria())
    moved = upsert_person(session, maria(zip="10027", street="1 W 125th St"))
    assert moved.outcome == "updated" and moved.batch_id != first.batch_id
    gone = delete_person(session, "hra_wms", "AB12345C")
    assert gone.outcome == "tombstoned"
    p = session.get(SourcePerson, first.id)
    assert p is not None and p.is_deleted and p.zip5 == "10027"
    assert delete_person(session, "hra_wms", "AB12345C").outcome == "unchanged"
    back = upsert_person(session, maria(zip="10027", street="1 W 125th St"))
    assert back.outcome == "restored" and not p.is_deleted


def test_bad_pushes_are_refused_with_reasons(session: Session) -> None:
    with pytest.raises(InvalidInput) as exc:
        upsert_person(session, maria(dob="2023-02-30"))
    assert exc.value.details == [
        {"field": "dob", "reason": "impossible date of birth '2023-02-30' (impossible_date)"}
    ]
    with pytest.raises(NotFound, match="unknown source system 'nope'"):
        upsert_person(session, maria(source_system="nope"))
    with pytest.raises(NotFound):
        delete_person(session, "hra_wms", "never-sent")
    with pytest.raises(ValueError):
        PersonIn.model_validate({"source_system": "hra_wms", "source_id": "x", "evil": 1})


def test_unstorable_characters_are_refused_not_a_database_error(session: Session) -> None:
    with pytest.raises(InvalidInput, match="last_name contains a NUL byte"):
        upsert_person(session, maria(last_name="GARC\x00IA"))
    with pytest.raises(InvalidInput, match=r"aliases\[0\] contains"):
        upsert_person(session, maria(aliases=["\x00"]))
    with pytest.raises(ValueError, match="unicode"):  # pydantic refuses lone surrogates itself
        maria(aliases=["\ud800"])
