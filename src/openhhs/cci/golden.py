"""The golden record of an Enterprise ID: one value per field by survivorship, with provenance.

Per field, among the linked (not deleted) source records that have a value: the most trusted
agency for that field wins (`survivorship.yaml`), then the most recently updated record, then the
value most records agree on. A steward override (`set_override`) beats all of it and sticks:
it is keyed by the Enterprise ID, which survives re-runs, and follows the survivor of a merge.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from openhhs.cci import registry
from openhhs.cci.models import GoldenOverride, Link
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


def _value(person: SourcePerson, field: str) -> Any:
    v = getattr(person, field)
    if v is None or v == "":
        return None
    if isinstance(v, dt.date):
        return v.isoformat()
    return getattr(v, "value", v)


def _updated(person: SourcePerson) -> dt.datetime:
    stamp = person.source_updated_at or person.updated_at or person.created_at
    if stamp is None:
        return _EPOCH
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def survive(records: list[SourcePerson], field: str, config: Survivorship) -> FieldSource | None:
    """The winning value of one field among records (pure: no database)."""
    offers = [(p, v) for p in records if (v := _value(p, field)) is not None]
    if not offers:
        return None
    freq = Counter(v for _, v in offers)

    def key(o: tuple[SourcePerson, Any]) -> tuple[int, float, int, int]:
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


def golden_record(
    session: Session, enterprise_id: str, *, config: Survivorship | None = None
) -> GoldenRecord:
    """The golden record of an Enterprise ID (aliases resolve to the survivor)."""
    config = config or default_survivorship()
    eid = registry.resolve(session, enterprise_id)
    records = list(
        session.scalars(
            select(SourcePerson)
            .join(Link, Link.source_person_id == SourcePerson.id)
            .where(Link.enterprise_id == eid, SourcePerson.is_deleted.is_(False))
            .order_by(SourcePerson.id)
        )
    )
    overrides = {
        o.field: o
        for o in session.scalars(select(GoldenOverride).where(GoldenOverride.enterprise_id == eid))
    }
    fields: dict[str, Any] = {}
    provenance: dict[str, FieldSource] = {}
    for field in FIELDS:
        if field in overrides:
            o = overrides[field]
            src = FieldSource(
                value=o.value.get("v"),
                rule="steward",
                actor=o.actor,
                updated_at=o.created_at.isoformat(),
            )
        else:
            found = survive(records, field, config)
            if found is None:
                continue
            src = found
        fields[field] = src.value
        provenance[field] = src
    return GoldenRecord(eid, fields, provenance, tuple(p.id for p in records))


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
