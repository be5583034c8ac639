"""The push API's writes: upsert or tombstone one person by `(source system, source id)`.

Idempotent like file ingest: the same payload twice changes nothing (record hash), and it goes
through the same `standardize_person` as a file row. Each call that changes something gets its
own `api` batch, so a pushed record knows its lineage too. The caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.errors import InvalidInput, NotFound
from openhhs.ingest.person import standardize_person
from openhhs.ingest.schemas import Outcome, PersonIn, SourcePersonRecord
from openhhs.ingest.spec import builtin_specs
from openhhs.ingest.transform import canonical_hash
from openhhs.model import (
    Agency,
    IngestBatch,
    PersonAddress,
    PersonIdentifier,
    PersonLanguage,
    PersonName,
    PersonPhone,
    PersonRace,
    SourcePerson,
    SourceSystem,
)
from openhhs.model.codes import AGENCY_NAMES, BatchMode, BatchStatus

API_SALT = "api/1"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
PART_CLASSES = {
    "names": PersonName,
    "addresses": PersonAddress,
    "phones": PersonPhone,
    "identifiers": PersonIdentifier,
    "races": PersonRace,
    "languages": PersonLanguage,
}


def _source(session: Session, source_system: str) -> SourceSystem:
    system = session.get(SourceSystem, source_system)
    if system is not None:
        return system
    spec = builtin_specs().get(source_system)
    if spec is None:
        raise NotFound(f"unknown source system {source_system!r}")
    if session.get(Agency, spec.agency.value) is None:
        session.add(Agency(id=spec.agency.value, name=AGENCY_NAMES[spec.agency]))
    system = SourceSystem(
        id=spec.source_system,
        agency_id=spec.agency.value,
        name=spec.name,
        description=spec.description,
    )
    session.add(system)
    session.flush()
    return system


def _storable(value: object, path: str = "") -> None:
    """NUL and lone surrogates cannot be stored as text (PostgreSQL refuses them): reject."""
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            raise InvalidInput(
                f"{path or 'value'} contains a NUL byte or an invalid character",
                details=[{"field": path, "reason": "unstorable character"}],
            )
    elif isinstance(value, dict):
        for k, v in value.items():
            _storable(k, path)
            _storable(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _storable(v, f"{path}[{i}]")


def _batch(session: Session, system: SourceSystem, outcome: Outcome) -> IngestBatch:
    batch = IngestBatch(
        source_system_id=system.id,
        file_name=None,
        mode=BatchMode.API,
        status=BatchStatus.COMMITTED,
        finished_at=dt.datetime.now(dt.UTC),
        rows_read=1,
        rows_inserted=int(outcome == "inserted"),
        rows_updated=int(outcome in ("updated", "restored")),
        rows_unchanged=0,
        rows_quarantined=0,
        rows_tombstoned=int(outcome == "tombstoned"),
        report={"api": outcome},
    )
    session.add(batch)
    session.flush()
    return batch


def _find(session: Session, source_system: str, source_id: str) -> SourcePerson | None:
    return session.scalars(
        select(SourcePerson).where(
            SourcePerson.source_system_id == source_system, SourcePerson.source_id == source_id
        )
    ).one_or_none()


def upsert_person(session: Session, person: PersonIn) -> SourcePersonRecord:
    """Insert or update one agency person record; raise `InvalidInput` with the reasons."""
    system = _source(session, person.source_system)
    _storable(person.model_dump(mode="json"))
    std = standardize_person(person)
    if std.problems:
        details = [{"field": f, "reason": r} for f, r in std.problems]
        raise InvalidInput("; ".join(r for _f, r in std.problems), details=details)
    raw = person.raw if person.raw is not None else person.model_dump(mode="json", exclude={"raw"})
    record_hash = canonical_hash(raw, API_SALT)
    row = _find(session, system.id, person.source_id)
    if row is not None and row.record_hash == record_hash and not row.is_deleted:
        return _out(row, "unchanged")
    outcome: Outcome = "inserted" if row is None else "restored" if row.is_deleted else "updated"
    batch = _batch(session, system, outcome)
    if row is None:
        row = SourcePerson(
            agency_id=system.agency_id, source_system_id=system.id, source_id=person.source_id
        )
        session.add(row)
    for col, value in std.values.items():
        setattr(row, col, value)
    row.raw = raw
    row.record_hash = record_hash
    row.batch_id = batch.id
    row.source_file = None
    row.source_row = None
    row.is_deleted = False
    row.deleted_at = None
    for name, cls in PART_CLASSES.items():
        setattr(row, name, [cls(**values) for values in std.parts.get(name, [])])
    session.flush()
    return _out(row, outcome)


def delete_person(session: Session, source_system: str, source_id: str) -> SourcePersonRecord:
    """Tombstone one record (kept, flagged deleted); deleting a tombstone changes nothing."""
    row = _find(session, source_system, source_id)
    if row is None:
        raise NotFound(f"no person {source_id!r} in source system {source_system!r}")
    if row.is_deleted:
        return _out(row, "unchanged")
    system = _source(session, source_system)
    batch = _batch(session, system, "tombstoned")
    row.is_deleted = True
    row.deleted_at = dt.datetime.now(dt.UTC)
    row.batch_id = batch.id
    session.flush()
    return _out(row, "tombstoned")


def _out(row: SourcePerson, outcome: Outcome) -> SourcePersonRecord:
    return SourcePersonRecord(
        id=row.id,
        source_system=row.source_system_id,
        source_id=row.source_id,
        agency_id=row.agency_id,
        outcome=outcome,
        batch_id=row.batch_id,
        flags={k: list(v) for k, v in (row.std_flags or {}).items()},
    )
