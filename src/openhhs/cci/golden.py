"""The golden record of an Enterprise ID: one value per field by survivorship, with provenance.

Per field, among the linked (not deleted) source records that have a value: the most trusted
agency for that field wins (`survivorship.yaml`), then the most recently updated record, then the
value most records agree on. A steward override (`set_override`) beats all of it and sticks:
it is keyed by the Enterprise ID, which survives re-runs, and follows the survivor of a merge.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from openhhs.cci import registry
from openhhs.cci.models import GoldenOverride, Link
from openhhs.db.columns import Read, execute_columns
from openhhs.errors import InvalidInput
from openhhs.model.person import SourcePerson

FIELDS: tuple[str, ...] = (
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "dob",
    "sex",
    "gender_identity",
    "ssn",
    "primary_language",
    "phone",
    "street",
    "unit",
    "city",
    "state",
    "zip5",
)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Survivorship:
    """Agency trust ranking per field (lower index = more trusted)."""

    default: tuple[str, ...]
    fields: Mapping[str, tuple[str, ...]]

    def rank(self, field: str, agency: str | None) -> int:
        order = self.fields.get(field, self.default)
        try:
            return order.index(agency or "")
        except ValueError:
            return len(order)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Survivorship:
        try:
            default = tuple(str(a) for a in data.get("default", []))
            fields = {str(k): tuple(str(a) for a in v) for k, v in data.get("fields", {}).items()}
        except (AttributeError, TypeError) as exc:
            raise InvalidInput("survivorship config: `default` and `fields.*` are lists") from exc
        unknown = set(fields) - set(FIELDS)
        if unknown:
            raise InvalidInput(f"survivorship config names unknown fields: {sorted(unknown)}")
        return cls(default=default, fields=fields)


@cache
def default_survivorship() -> Survivorship:
    text = resources.files("openhhs.cci").joinpath("survivorship.yaml").read_text("utf-8")
    return Survivorship.from_mapping(yaml.safe_load(text))


@dataclass(frozen=True)
class FieldSource:
    """Where a golden value came from and which rule chose it."""

    value: Any
    rule: str  # steward | trust | recency | frequency | only
    source_person_id: int | None = None
    source_system_id: str | None = None
    source_id: str | None = None
    agency_id: str | None = None
    updated_at: str | None = None
    actor: str | None = None  # the steward, for overrides

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None or k == "value"}


@dataclass(frozen=True)
class GoldenRecord:
    enterprise_id: str
    fields: dict[str, Any]
    provenance: dict[str, FieldSource]
    source_person_ids: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "enterprise_id": self.enterprise_id,
            "fields": self.fields,
            "provenance": {k: v.as_dict() for k, v in self.provenance.items()},
            "source_person_ids": list(self.source_person_ids),
        }


def _value(person: Any, field: str) -> Any:
    v = getattr(person, field)
    if v is None or v == "":
        return None
    if isinstance(v, dt.date):
        return v.isoformat()
    return getattr(v, "value", v)


def _updated(person: Any) -> dt.datetime:
    stamp = person.source_updated_at or person.updated_at or person.created_at
    if stamp is None:
        return _EPOCH
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def survive(records: Sequence[Any], field: str, config: Survivorship) -> FieldSource | None:
    """The winning value of one field among records (pure: no database).

    A record is anything with `SourcePerson`'s attribute names: an entity, or a column row of
    `member_records`."""
    offers = [(p, v) for p in records if (v := _value(p, field)) is not None]
    if not offers:
        return None
    freq = Counter(v for _, v in offers)

    def key(o: tuple[Any, Any]) -> tuple[int, float, int, int]:
        p, v = o
        return (config.rank(field, p.agency_id), -_updated(p).timestamp(), -freq[v], p.id)

    offers.sort(key=key)
    winner, value = offers[0]
    if len(offers) == 1 or len(freq) == 1:
        rule = "only" if len(offers) == 1 else "agreed"
    else:
        runner = offers[1]
        k0, k1 = key(offers[0]), key(runner)
        rule = "trust" if k0[0] != k1[0] else "recency" if k0[1] != k1[1] else "frequency"
    return FieldSource(
        value=value,
        rule=rule,
        source_person_id=winner.id,
        source_system_id=winner.source_system_id,
        source_id=winner.source_id,
        agency_id=winner.agency_id,
        updated_at=_updated(winner).isoformat(),
    )


# Built once (every snapshot reads them): a statement built per call cost more Python than the
# query. Plain columns, never entities: a source row's raw JSON is not needed here, and a Row
# answers the attribute names `survive` reads just as a `SourcePerson` does.
_MEMBER_RECORDS = (
    select(
        SourcePerson.id,
        SourcePerson.agency_id,
        SourcePerson.source_system_id,
        SourcePerson.source_id,
        SourcePerson.is_deleted,
        SourcePerson.source_updated_at,
        SourcePerson.updated_at,
        SourcePerson.created_at,
        *(getattr(SourcePerson, f) for f in FIELDS),
    )
    .join(Link, Link.source_person_id == SourcePerson.id)
    .where(Link.enterprise_id == bindparam("eid"))
    .order_by(SourcePerson.id)
)
_OVERRIDES = select(
    GoldenOverride.field, GoldenOverride.value, GoldenOverride.actor, GoldenOverride.created_at
).where(GoldenOverride.enterprise_id == bindparam("eid"))


def member_records_read(eid: str) -> Read:
    """Every source record linked to an active Enterprise ID, deleted ones too (`is_deleted`),
    by id: the golden record's input and, for a snapshot, which agencies hold the person."""
    return _MEMBER_RECORDS, {"eid": eid}


def overrides_read(eid: str) -> Read:
    """The steward's overrides of the golden fields of `eid` (`golden_of` applies them)."""
    return _OVERRIDES, {"eid": eid}


def member_records(session: Session, eid: str) -> list[Any]:
    return list(execute_columns(session, *member_records_read(eid)))


def golden_of(
    eid: str,
    live_records: Sequence[Any],
    overrides: Iterable[Any],
    config: Survivorship,
) -> GoldenRecord:
    """The golden record from the live records and the steward overrides (pure: no database)."""
    by_field = {o.field: o for o in overrides}
    fields: dict[str, Any] = {}
    provenance: dict[str, FieldSource] = {}
    for field in FIELDS:
        if field in by_field:
            o = by_field[field]
            src = FieldSource(
                value=o.value.get("v"),
                rule="steward",
                actor=o.actor,
                updated_at=o.created_at.isoformat(),
            )
        else:
            found = survive(live_records, field, config)
            if found is None:
                continue
            src = found
        fields[field] = src.value
        provenance[field] = src
    return GoldenRecord(eid, fields, provenance, tuple(p.id for p in live_records))


def golden_from_members(
    session: Session,
    eid: str,
    members: Sequence[Any],
    *,
    config: Survivorship | None = None,
) -> GoldenRecord:
    """The golden record of an active `eid` whose `member_records` were already read."""
    overrides = execute_columns(session, *overrides_read(eid))
    live = [r for r in members if not r.is_deleted]
    return golden_of(eid, live, overrides, config or default_survivorship())


def golden_record(
    session: Session, enterprise_id: str, *, config: Survivorship | None = None
) -> GoldenRecord:
    """The golden record of an Enterprise ID (aliases resolve to the survivor)."""
    eid = registry.resolve(session, enterprise_id)
    return golden_from_members(session, eid, member_records(session, eid), config=config)


def set_override(
    session: Session,
    enterprise_id: str,
    field: str,
    value: Any,
    *,
    actor: str,
    reason: str | None = None,
) -> None:
    """Fix one golden field by hand; it wins until cleared, across re-runs and merges."""
    if field not in FIELDS:
        raise InvalidInput(f"unknown golden-record field {field!r}", details={"fields": FIELDS})
    if value is not None and not isinstance(value, str | int | float | bool):
        raise InvalidInput("an override value must be text, a number, a boolean or null")
    if isinstance(value, str) and len(value) > 500:
        raise InvalidInput("an override value is at most 500 characters")
    eid = registry.resolve(session, enterprise_id)
    row = session.get(GoldenOverride, (eid, field))
    if row is None:
        session.add(
            GoldenOverride(
                enterprise_id=eid, field=field, value={"v": value}, actor=actor, reason=reason
            )
        )
    else:
        row.value = {"v": value}
        row.actor = actor
        row.reason = reason
    session.flush()


def clear_override(session: Session, enterprise_id: str, field: str) -> None:
    eid = registry.resolve(session, enterprise_id)
    session.execute(
        delete(GoldenOverride).where(
            GoldenOverride.enterprise_id == eid, GoldenOverride.field == field
        )
    )
    session.flush()
