"""Compile a `FileSpec` into the pure function that maps one raw row to one record (or reasons).

Each mapped record carries its key, its references to other records of the same source, the
values for its table, its raw payload (what the agency sent) and the problems that reject it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openhhs.ingest.person import standardize_person, standardize_phone
from openhhs.ingest.readers import RawRow
from openhhs.ingest.schemas import PersonIn
from openhhs.ingest.spec import FieldSpec, FileSpec, SourceSpec
from openhhs.model.codes import (
    EnrollmentStatus,
    EventType,
    ExpenseType,
    Frequency,
    HouseholdRelationship,
    IncomeType,
    Living,
    MissingReason,
    RentalType,
)
from openhhs.standardize import standardize_date

# Coded targets and the code list their mapped value must belong to.
ENUMS: dict[str, type] = {
    "status": EnrollmentStatus,
    "type": EventType,
    "relationship": HouseholdRelationship,
    "living": Living,
    "rental_type": RentalType,
    "income_type": IncomeType,
    "frequency": Frequency,
    "rent_frequency": Frequency,
    "expense_type": ExpenseType,
}
PERSON_CODED = ("sex", "gender_identity", "race", "hispanic", "language")
TEXT_LIMITS = {
    "case_number": 64,
    "worker_name": 200,
    "worker_phone": 20,
    "worker_email": 200,
    "worker_office": 200,
    "site": 200,
}


@dataclass
class Record:
    """One input row mapped: everything the store needs, nothing read from the database."""

    row: RawRow
    key: str
    refs: dict[str, str]
    values: dict[str, Any]
    parts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    deleted: bool = False
    raw: dict[str, Any] = field(default_factory=dict)
    record_hash: str = ""
    problems: list[tuple[str | None, str]] = field(default_factory=list)
    unchanged: bool = False  # same hash as the stored record: not mapped again


def canonical_hash(raw: Any, salt: str) -> str:
    """sha256 of the canonical JSON of what the agency sent plus the mapping's fingerprint."""
    text = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{salt}\x1f{text}".encode()).hexdigest()


def spec_fingerprint(source: SourceSpec, spec: FileSpec) -> str:
    """Changes when the mapping changes, so a re-load re-standardizes instead of skipping."""
    text = f"{source.version}|{source.date_format}|{spec.model_dump_json()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _get(fs: FieldSpec, values: dict[str, str]) -> str:
    if fs.value is not None:
        return fs.value
    for col in fs.all_columns:
        if col in values:
            return values[col].strip()
    return ""


def _code(
    name: str, fs: FieldSpec, text: str, problems: list[tuple[str | None, str]]
) -> tuple[str | None, MissingReason | None]:
    """Agency code -> model code through the spec's map; (None, reason) for missing codes."""
    if text in fs.missing:
        return None, MissingReason(fs.missing[text])
    if text == "" and "" not in (fs.map or {}):
        return None, MissingReason.NOT_COLLECTED
    if fs.map is None:
        return text, None
    lookup = fs.map if text in fs.map else {k.upper(): v for k, v in fs.map.items()}
    key = text if text in fs.map else text.upper()
    if key in lookup:
        return lookup[key], None
    if fs.default is not None:
        return fs.default, None
    if fs.on_unknown == "quarantine":
        allowed = ", ".join(sorted(k for k in fs.map if k))[:200]
        problems.append((_col(fs, name), f"unknown {name} code {text[:40]!r} (allowed: {allowed})"))
    return None, None


def _col(fs: FieldSpec, name: str) -> str:
    return fs.all_columns[0] if fs.all_columns else name


def _date(
    name: str, fs: FieldSpec, text: str, fmt: str | None, problems: list[tuple[str | None, str]]
) -> dt.date | None:
    if not text:
        if fs.required:
            problems.append((_col(fs, name), f"{name} is required"))
        return None
    std = standardize_date(text, fmt=fs.format or fmt, birth=False)
    if std.value is None:
        why = next((f for f in std.flags if f != "format_mismatch"), "unparseable")
        problems.append((_col(fs, name), f"impossible {name} {text[:40]!r} ({why})"))
    return std.value


def _timestamp(
    name: str, fs: FieldSpec, text: str, fmt: str | None, problems: list[tuple[str | None, str]]
) -> dt.datetime | None:
    if not text:
        if fs.required:
            problems.append((_col(fs, name), f"{name} is required"))
        return None
    for layout in [f for f in (fs.format, fmt) if f and "%H" in f]:
        try:
            return dt.datetime.strptime(text, layout).replace(tzinfo=dt.UTC)
        except ValueError:
            pass
    try:
        ts = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return ts if ts.tzinfo else ts.replace(tzinfo=dt.UTC)
    except ValueError:
        pass
    day = _date(name, fs, text, fs.format if fs.format and "%H" not in fs.format else fmt, problems)
    return dt.datetime.combine(day, dt.time(), dt.UTC) if day else None


def _money(name: str, fs: FieldSpec, text: str, problems: list) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.replace("$", "").replace(",", ""))
    except InvalidOperation:
        problems.append((_col(fs, name), f"{name} {text[:40]!r} is not an amount"))
        return None
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        problems.append((_col(fs, name), f"{name} {text[:40]!r} is out of range"))
        return None
    return value.quantize(Decimal("0.01"))


def _text(name: str, fs: FieldSpec, text: str, problems: list) -> str | None:
    limit = TEXT_LIMITS.get(name, 200)
    if len(text) > limit:
        problems.append((_col(fs, name), f"{name} is {len(text):,} characters (limit {limit})"))
        return None
    return text or None


def _updated(spec: FileSpec, values: dict[str, str]) -> dt.datetime | None:
    """The agency's last-update stamp; a bad one is not a reason to reject the person."""
    text = values.get(spec.updated_at, "").strip() if spec.updated_at else ""
    if not text:
        return None
    return _timestamp("updated_at", FieldSpec(column=spec.updated_at), text, spec.date_format, [])


def _person(spec: FileSpec, row: RawRow, date_fmt: str | None, rec: Record) -> None:
    f = spec.fields
    v = row.values
    text = {name: _get(fs, v) for name, fs in f.items()}
    missing: dict[str, MissingReason] = {}
    for name, fs in f.items():  # codes that stand for a missing reason (HMIS 8/9/99 in DOB...)
        if name not in PERSON_CODED and text[name] in fs.missing:
            missing[name] = MissingReason(fs.missing[text[name]])
            text[name] = ""
    flags: dict[str, list[str]] = {}
    coded: dict[str, str | None] = {}
    for name in PERSON_CODED:
        if name not in f:
            continue
        fs = f[name]
        tokens = [t.strip() for t in text[name].split(fs.split)] if fs.split else [text[name]]
        tokens = [t for t in tokens if t] or [""]
        mapped: list[str] = []
        for t in tokens:
            value, reason = _code(name, fs, t, rec.problems)
            if reason is not None and t:
                missing.setdefault("race" if name == "hispanic" else name, reason)
            if value:
                mapped.append(value)
            elif value is None and reason is None and t and fs.on_unknown == "flag":
                flags.setdefault(name, []).append(f"unknown_code:{t[:20]}")
        coded[name] = ";".join(mapped) if mapped else None
    races = [r for r in (coded.get("race") or "").split(";") if r]
    if coded.get("hispanic"):
        races.append(coded["hispanic"] or "")
    identifiers = {k.removeprefix("id_"): _get(fs, v) for k, fs in spec.identifiers.items()}
    person = PersonIn.model_construct(
        source_system="",
        source_id=rec.key,
        first_name=text.get("first_name") or None,
        middle_name=text.get("middle_name") or None,
        last_name=text.get("last_name") or None,
        suffix=text.get("suffix") or None,
        full_name=text.get("full_name") or None,
        aliases=[a for a in [text.get("alias")] if a],
        dob=text.get("dob") or None,
        date_format=(f["dob"].format if "dob" in f else None) or date_fmt,
        sex=coded.get("sex"),
        gender_identity=coded.get("gender_identity"),
        races=races,
        race_detail=text.get("race_detail") or None,
        ssn=text.get("ssn") or None,
        phones=[p for p in (text.get("phone"), text.get("phone2")) if p],
        address=text.get("address") or None,
        street=text.get("street") or None,
        unit=text.get("unit") or None,
        city=text.get("city") or None,
        state=text.get("state") or None,
        zip=text.get("zip") or None,
        language=coded.get("language"),
        needs_interpreter=None,
        identifiers=identifiers,
        missing=missing,
        updated_at=_updated(spec, v),
        raw=None,
        flags=flags,
    )
    std = standardize_person(person)
    for name, why in std.problems:
        fs_ = f.get(name)
        rec.problems.append((_col(fs_, name) if fs_ else name, why))
    for name in std.unmapped:
        fs_ = f.get(name)
        if fs_ is not None and fs_.map is None and fs_.on_unknown == "quarantine":
            rec.problems.append((_col(fs_, name), f"unknown {name} {text.get(name, '')[:40]!r}"))
    rec.values = std.values
    rec.parts = std.parts


def _generic(spec: FileSpec, row: RawRow, date_fmt: str | None, rec: Record) -> None:
    out: dict[str, Any] = {}
    for name, fs in spec.fields.items():
        text = _get(fs, row.values)
        if name in ENUMS:
            value, _reason = _code(name, fs, text, rec.problems)
            if value is not None:
                try:
                    out[name] = ENUMS[name](value)
                except ValueError:
                    rec.problems.append((_col(fs, name), f"mapping gives invalid {name} {value!r}"))
            elif fs.required and not rec.problems:
                rec.problems.append((_col(fs, name), f"{name} is required"))
            else:
                out[name] = None
        elif name == "program":
            value, _reason = _code(name, fs, text, rec.problems)
            if value is None and not any(p[0] == _col(fs, name) for p in rec.problems):
                rec.problems.append((_col(fs, name), "program is required"))
            out[name] = value
        elif name == "occurred_at":
            out[name] = _timestamp(name, fs, text, spec.date_format or date_fmt, rec.problems)
        elif name in ("start_date", "end_date", "valid_from", "valid_to"):
            out[name] = _date(name, fs, text, spec.date_format or date_fmt, rec.problems)
        elif name in ("cash_on_hand", "amount", "rent_amount"):
            out[name] = _money(name, fs, text, rec.problems)
        elif name == "worker_phone":
            ph = standardize_phone(text) if text else None
            out[name] = ph.value if ph and ph.value else _text(name, fs, text[:20], rec.problems)
        elif name == "details":
            out[name] = {c: row.values.get(c, "") for c in fs.all_columns}
        else:
            out[name] = _text(name, fs, text, rec.problems)
    if (
        "start_date" in out
        and out.get("end_date")
        and out["start_date"]
        and out["end_date"] < out["start_date"]
    ):
        rec.problems.append(
            ("end_date", f"ends {out['end_date']} before it starts {out['start_date']}")
        )
    rec.values = out


def compile_file(
    source: SourceSpec, spec: FileSpec, stored: dict[str, tuple[Any, ...]] | None = None
) -> Callable[[RawRow], Record | None]:
    """The row mapper for one file spec; None means the row does not apply (`only_if` blank).

    `stored` (source_id -> (id, hash, is_deleted, ...)) lets a row whose hash matches its stored
    record skip standardization: re-loading an unchanged extract only hashes it.
    """
    stored = stored or {}
    salt = spec_fingerprint(source, spec)
    date_fmt = spec.date_format or source.date_format
    body = _person if spec.entity == "person" else _generic

    def key_of(cols: tuple[str, ...], values: dict[str, str]) -> str:
        return ":".join(values.get(c, "").strip() for c in cols)

    def mapper(row: RawRow) -> Record | None:
        values = row.values
        if spec.only_if and not values.get(spec.only_if, "").strip():
            return None
        key = spec.key_prefix + key_of(spec.key, values)
        rec = Record(row=row, key=key, refs={}, values={}, raw=dict(values))
        if row.problem:
            rec.problems.append(row.problem)
            return rec
        if not key_of(spec.key, values).strip(":"):
            rec.problems.append((spec.key[0], "the key is blank"))
            return rec
        if len(key) > 128:
            rec.problems.append((spec.key[0], f"the key is {len(key)} characters (limit 128)"))
            return rec
        for ref in ("person_key", "household_key"):
            cols = getattr(spec, ref)
            if cols:
                rec.refs[ref] = key_of(cols, values)
                if not rec.refs[ref].strip(":"):
                    rec.problems.append((cols[0], f"{ref.replace('_', ' ')} is blank"))
        if spec.delete_flag is not None:
            flag = values.get(spec.delete_flag.column, "").strip()
            rec.deleted = bool(flag) and (
                spec.delete_flag.any_value
                or flag.upper() in {x.upper() for x in spec.delete_flag.values}
            )
        if not rec.problems:
            rec.record_hash = canonical_hash(rec.raw, salt)
            old = stored.get(key)
            if old is not None and old[1] == rec.record_hash and bool(old[2]) == rec.deleted:
                rec.unchanged = True
                return rec
        body(spec, row, date_fmt, rec)
        if rec.deleted:
            # a deletion must not be blocked by a bad value in the row that announces it
            rec.problems = [p for p in rec.problems if p[0] in spec.key]
        rec.record_hash = rec.record_hash or canonical_hash(rec.raw, salt)
        return rec

    return mapper
