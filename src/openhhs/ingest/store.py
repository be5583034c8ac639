"""Write mapped records in bulk inside the caller's transaction: insert, update, skip, tombstone.

Change detection is by record hash, so re-loading a file touches nothing; rows are written with
`executemany` in chunks (never one ORM flush per row). Everything here runs on one connection
whose transaction the caller commits or rolls back as a whole (one file, all or nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from openhhs.ingest.models import IngestRow
from openhhs.ingest.readers import FileRejected, RawRow
from openhhs.ingest.schemas import FileReport, Problem
from openhhs.ingest.spec import FileSpec, ProgramSpec
from openhhs.ingest.transform import Record
from openhhs.model import (
    Agency,
    Enrollment,
    Event,
    Expense,
    Household,
    HouseholdMember,
    Income,
    PersonAddress,
    PersonIdentifier,
    PersonLanguage,
    PersonName,
    PersonPhone,
    PersonRace,
    Program,
    QuarantinedRow,
    SourcePerson,
    SourceSystem,
)
from openhhs.model.codes import AGENCY_NAMES, ExpenseType
from openhhs.model.codes import Agency as AgencyCode

CHUNK = 2000
MAX_PROBLEMS_IN_REPORT = 50

T_PERSON: Table = SourcePerson.__table__  # type: ignore[assignment]
T_ENROLLMENT: Table = Enrollment.__table__  # type: ignore[assignment]
T_EVENT: Table = Event.__table__  # type: ignore[assignment]
T_HOUSEHOLD: Table = Household.__table__  # type: ignore[assignment]
T_MEMBER: Table = HouseholdMember.__table__  # type: ignore[assignment]
T_INCOME: Table = Income.__table__  # type: ignore[assignment]
T_EXPENSE: Table = Expense.__table__  # type: ignore[assignment]
T_LEDGER: Table = IngestRow.__table__  # type: ignore[assignment]
T_QUARANTINE: Table = QuarantinedRow.__table__  # type: ignore[assignment]
PERSON_PARTS: dict[str, Table] = {
    "names": PersonName.__table__,  # type: ignore[dict-item]
    "addresses": PersonAddress.__table__,  # type: ignore[dict-item]
    "phones": PersonPhone.__table__,  # type: ignore[dict-item]
    "identifiers": PersonIdentifier.__table__,  # type: ignore[dict-item]
    "races": PersonRace.__table__,  # type: ignore[dict-item]
    "languages": PersonLanguage.__table__,  # type: ignore[dict-item]
}
SOURCE_TABLES: dict[str, Table] = {
    "person": T_PERSON,
    "household": T_HOUSEHOLD,
    "enrollment": T_ENROLLMENT,
    "event": T_EVENT,
}
LEDGER_TARGETS: dict[str, Table | None] = {
    "household_member": T_MEMBER,
    "income": T_INCOME,
    "record": None,
}


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def ensure_source(
    conn: Connection, source_system: str, agency: AgencyCode, name: str, description: str | None
) -> None:
    """Register the agency and its source system on first use (the catalogue of senders)."""
    a: Table = Agency.__table__  # type: ignore[assignment]
    s: Table = SourceSystem.__table__  # type: ignore[assignment]
    if conn.execute(select(a.c.id).where(a.c.id == agency.value)).first() is None:
        conn.execute(insert(a).values(id=agency.value, name=AGENCY_NAMES[agency]))
    if conn.execute(select(s.c.id).where(s.c.id == source_system)).first() is None:
        conn.execute(
            insert(s).values(
                id=source_system, agency_id=agency.value, name=name, description=description
            )
        )


def ensure_programs(conn: Connection, agency: AgencyCode, programs: Iterable[ProgramSpec]) -> None:
    p: Table = Program.__table__  # type: ignore[assignment]
    have = set(conn.scalars(select(p.c.id)))
    rows = [
        {
            "id": prog.id,
            "name": prog.name,
            "agency_id": agency.value,
            "area": prog.area,
            "s2r_code": prog.s2r_code,
            "sensitive_category": prog.sensitive_category,
            "description": prog.description,
        }
        for prog in programs
        if prog.id not in have
    ]
    if rows:
        conn.execute(insert(p), rows)


def key_map(conn: Connection, table: Table, source_system: str) -> dict[str, int]:
    """source_id -> id of every record of a source in a table (tombstones included)."""
    rows = conn.execute(
        select(table.c.source_id, table.c.id).where(table.c.source_system_id == source_system)
    )
    return {sid: rid for sid, rid in rows}


@dataclass
class Context:
    """What one file load writes with: its batch, file name and source."""

    conn: Connection
    batch_id: int
    source_system: str
    agency: str
    file_name: str
    mode_full: bool
    now: dt.datetime = field(default_factory=utcnow)
    person_ids: dict[str, int] | None = None
    household_ids: dict[str, int] | None = None
    first_batch_id: int | None = None  # the file's first batch: earlier ones are earlier loads


def _held(ctx: Context) -> set[tuple[int | None, str | None, str, str | None]]:
    """Rows of this file already in quarantine from an earlier load (same place, text, reason).

    Only earlier loads count: two specs of one file may reject the same row in the same load.
    """
    q = T_QUARANTINE
    rows = ctx.conn.execute(
        select(q.c.row_number, q.c.field, q.c.reason, q.c.raw).where(
            q.c.source_system_id == ctx.source_system,
            q.c.file_name == ctx.file_name,
            q.c.batch_id < (ctx.first_batch_id or ctx.batch_id),
        )
    )
    return {(r[0], r[1], r[2], r[3]) for r in rows}


def quarantine(
    ctx: Context, rows: list[tuple[RawRow, str | None, str]], report: FileReport
) -> None:
    """Keep every rejected row with its reason and exact text; list the first few in the report.

    A row already held from an earlier load of the same file is counted, not stored twice, so
    re-loading a file leaves the quarantine as it was.
    """
    held = _held(ctx) if rows else set()
    payload = [
        {
            "batch_id": ctx.batch_id,
            "source_system_id": ctx.source_system,
            "file_name": ctx.file_name,
            "row_number": r.number,
            "field": (fld or None) and fld[:100],
            "reason": reason,
            "raw": r.raw,
            "created_at": ctx.now,
        }
        for r, fld, reason in rows
        if (r.number, (fld or None) and fld[:100], reason, r.raw) not in held
    ]
    for part in chunks(payload):
        ctx.conn.execute(insert(T_QUARANTINE), list(part))
    report.quarantined += len(rows)
    for r, fld, reason in rows[: max(0, MAX_PROBLEMS_IN_REPORT - len(report.problems))]:
        report.problems.append(Problem(file=ctx.file_name, row=r.number, field=fld, reason=reason))


def _common(ctx: Context, rec: Record) -> dict[str, Any]:
    return {
        "raw": rec.raw,
        "record_hash": rec.record_hash,
        "batch_id": ctx.batch_id,
        "source_file": ctx.file_name,
        "source_row": rec.row.number,
        "is_deleted": rec.deleted,
        "deleted_at": ctx.now if rec.deleted else None,
        "updated_at": ctx.now,
    }


def stored_records(ctx: Context, spec: FileSpec) -> dict[str, tuple[Any, ...]]:
    """The stored records this spec owns: source_id -> (id, hash, is_deleted, target_id)."""
    ledger = spec.entity in LEDGER_TARGETS
    table = T_LEDGER if ledger else SOURCE_TABLES[spec.entity]
    return _existing(ctx, table, spec.entity, spec.key_prefix)


def _existing(ctx: Context, table: Table, entity: str, prefix: str) -> dict[str, tuple]:
    """source_id -> (id, hash, is_deleted, target_id) for the keys this spec owns."""
    if table is T_LEDGER:
        q = select(
            table.c.source_id,
            table.c.id,
            table.c.record_hash,
            table.c.is_deleted,
            table.c.target_id,
        ).where(table.c.source_system_id == ctx.source_system, table.c.entity == entity)
    else:
        q = select(
            table.c.source_id, table.c.id, table.c.record_hash, table.c.is_deleted, table.c.id
        ).where(table.c.source_system_id == ctx.source_system)
    return {r[0]: tuple(r[1:]) for r in ctx.conn.execute(q) if r[0].startswith(prefix)}


def _resolve(ctx: Context, spec: FileSpec, recs: list[Record]) -> None:
    """Turn person/household keys into ids; a dangling reference rejects the row."""
    if spec.person_key and ctx.person_ids is None:
        ctx.person_ids = key_map(ctx.conn, T_PERSON, ctx.source_system)
    needs_household = bool(spec.household_key)
    if needs_household and ctx.household_ids is None:
        ctx.household_ids = key_map(ctx.conn, T_HOUSEHOLD, ctx.source_system)
    for rec in recs:
        if rec.problems or rec.unchanged:
            continue
        if spec.person_key:
            pid = (ctx.person_ids or {}).get(rec.refs["person_key"])
            if pid is None and spec.entity == "person":
                continue  # a person file pointing at itself: resolved after insert
            if pid is None:
                rec.problems.append(
                    (
                        spec.person_key[0],
                        f"no person {rec.refs['person_key'][:60]!r} in this source",
                    )
                )
                continue
            rec.values["source_person_id"] = pid
        if needs_household:
            hid = (ctx.household_ids or {}).get(rec.refs["household_key"])
            if hid is None and spec.entity in ("household_member",):
                rec.problems.append(
                    (
                        spec.household_key[0],
                        f"no household {rec.refs['household_key'][:60]!r} in this source",
                    )
                )
                continue
            rec.values["household_id"] = hid


def _values(ctx: Context, spec: FileSpec, rec: Record) -> dict[str, Any]:
    v = rec.values
    if spec.entity == "person":
        return {k: val for k, val in v.items()}
    if spec.entity == "household":
        return {
            "living": v.get("living"),
            "rental_type": v.get("rental_type"),
            "cash_on_hand": v.get("cash_on_hand"),
            "living_missing": None,
        }
    if spec.entity == "enrollment":
        return {
            "source_person_id": v["source_person_id"],
            "program_id": v["program"],
            "household_id": v.get("household_id"),
            "status": v["status"],
            "start_date": v.get("start_date"),
            "end_date": v.get("end_date"),
            "case_number": v.get("case_number"),
            "worker_name": v.get("worker_name"),
            "worker_phone": v.get("worker_phone"),
            "worker_email": v.get("worker_email"),
            "worker_office": v.get("worker_office"),
        }
    if spec.entity == "event":
        return {
            "source_person_id": v["source_person_id"],
            "type": v["type"],
            "occurred_at": v["occurred_at"],
            "site": v.get("site"),
            "details": v.get("details") or {},
        }
    if spec.entity == "household_member":
        return {
            "household_id": v["household_id"],
            "source_person_id": v["source_person_id"],
            "relationship_to_head": v.get("relationship"),
            "valid_from": v.get("valid_from"),
            "valid_to": v.get("valid_to"),
        }
    if spec.entity == "record":
        return {}
    if spec.entity == "income":
        return {
            "source_person_id": v["source_person_id"],
            "type": v["income_type"],
            "amount": v["amount"],
            "frequency": v["frequency"],
            "valid_from": v.get("valid_from"),
            "valid_to": v.get("valid_to"),
        }
    raise AssertionError(spec.entity)


def _check_required(spec: FileSpec, rec: Record) -> None:
    v = rec.values
    need = {
        "enrollment": ("program", "status"),
        "event": ("type", "occurred_at"),
        "income": ("income_type", "amount", "frequency"),
    }.get(spec.entity, ())
    for name in need:
        if v.get(name) is None and not rec.problems:
            fs = spec.fields.get(name)
            col = fs.all_columns[0] if fs and fs.all_columns else name
            rec.problems.append((col, f"{name} is required"))


def _parts(ctx: Context, spec: FileSpec, rec: Record, record_id: int) -> dict[str, list[dict]]:
    if spec.entity == "person":
        return {
            table: [{**row, "source_person_id": record_id} for row in rows]
            for table, rows in rec.parts.items()
        }
    if spec.entity == "household" and rec.values.get("rent_amount") is not None:
        return {
            "expenses": [
                {
                    "household_id": record_id,
                    "agency_id": ctx.agency,
                    "type": ExpenseType.RENT,
                    "amount": rec.values["rent_amount"],
                    "frequency": rec.values.get("rent_frequency") or "Monthly",
                }
            ]
        }
    return {}


def _part_tables(entity: str) -> dict[str, tuple[Table, str]]:
    if entity == "person":
        return {k: (t, "source_person_id") for k, t in PERSON_PARTS.items()}
    if entity == "household":
        return {"expenses": (T_EXPENSE, "household_id")}
    return {}


def _write_parts(ctx: Context, entity: str, replace_ids: list[int], rows: dict[str, list]) -> None:
    for name, (table, fk) in _part_tables(entity).items():
        for part in chunks(replace_ids):
            ctx.conn.execute(delete(table).where(table.c[fk].in_(list(part))))
        payload = rows.get(name, [])
        for part in chunks(payload):
            ctx.conn.execute(insert(table), list(part))


def _member_pairs(ctx: Context) -> dict[tuple[Any, Any], str]:
    """(household, person) -> ledger key of the stored members (the pair is unique)."""
    rows = ctx.conn.execute(
        select(T_LEDGER.c.source_id, T_MEMBER.c.household_id, T_MEMBER.c.source_person_id)
        .join(T_MEMBER, T_MEMBER.c.id == T_LEDGER.c.target_id)
        .where(
            T_LEDGER.c.source_system_id == ctx.source_system,
            T_LEDGER.c.entity == "household_member",
        )
    )
    return {(h, p): key for key, h, p in rows}


def _dedupe(ctx: Context, spec: FileSpec, recs: list[Record]) -> None:
    """Second and later rows with a key already seen in this file are rejected; so is a
    second membership of one person in one household (stored or in this file)."""
    first: dict[str, int] = {}
    is_member = spec.entity == "household_member"
    stored = _member_pairs(ctx) if is_member else {}
    pairs: dict[tuple[Any, Any], str] = {}
    for rec in recs:
        if rec.problems:
            continue
        if rec.key in first:
            rec.problems.append(
                (spec.key[0], f"duplicate key {rec.key[:60]!r} (first at row {first[rec.key]})")
            )
            continue
        first[rec.key] = rec.row.number
        if is_member and not rec.unchanged and not rec.deleted:
            pair = (rec.values.get("household_id"), rec.values.get("source_person_id"))
            other = pairs.get(pair) or stored.get(pair)
            if other is not None and other != rec.key:
                rec.problems.append(
                    (spec.person_key[0], f"person already in this household (record {other!r})")
                )
                continue
            pairs[pair] = rec.key


def load_records(
    ctx: Context,
    spec: FileSpec,
    recs: list[Record],
    report: FileReport,
    present: set[str] | frozenset[str] = frozenset(),
    existing: dict[str, tuple[Any, ...]] | None = None,
) -> None:
    """Store one file spec's mapped rows: quarantine, insert, update, skip, tombstone.

    `present`: keys of rows in the file that this spec does not store (rejected by the file's
    first spec); a full extract must not tombstone them.
    """
    for rec in recs:
        if not rec.unchanged:
            _check_required(spec, rec)
    _resolve(ctx, spec, recs)
    _dedupe(ctx, spec, recs)
    bad = [(r.row, *p) for r in recs if r.problems for p in r.problems[:1]]
    quarantine(ctx, bad, report)
    good = [r for r in recs if not r.problems]
    ledger = spec.entity in LEDGER_TARGETS
    table = T_LEDGER if ledger else SOURCE_TABLES[spec.entity]
    if existing is None:
        existing = stored_records(ctx, spec)
    if (
        spec.mode.value == "full"
        and not recs
        and not present
        and any(not v[2] for v in existing.values())
    ):
        raise FileRejected(
            f"{ctx.file_name}: no data rows; as a full extract it would tombstone all "
            f"{sum(not v[2] for v in existing.values())} stored {spec.entity} records, so it "
            "is refused (send the rows, or mark deletions in an incremental file)"
        )
    inserts: list[Record] = []
    updates: list[tuple[Record, tuple]] = []
    for rec in good:
        old = existing.get(rec.key)
        if old is None:
            inserts.append(rec)
        elif old[1] != rec.record_hash or bool(old[2]) != rec.deleted:
            updates.append((rec, old))
        else:
            report.unchanged += 1
    if ledger:
        _store_ledger(ctx, spec, inserts, updates, report)
    else:
        _store_source(ctx, spec, table, inserts, updates, report)
    if spec.entity == "person" and ctx.person_ids is not None:
        ctx.person_ids = None  # new persons: reload on next use
    if spec.entity == "household":
        ctx.household_ids = None
    if spec.mode.value == "full":
        seen = {r.key for r in recs} | set(present)
        gone = [(k, v) for k, v in existing.items() if k not in seen and not v[2]]
        _tombstone(ctx, spec, table, gone, report)


def _store_source(
    ctx: Context,
    spec: FileSpec,
    table: Table,
    inserts: list[Record],
    updates: list[tuple[Record, tuple]],
    report: FileReport,
) -> None:
    parts: dict[str, list[dict]] = {}
    new_rows = [
        {
            **_values(ctx, spec, r),
            **_common(ctx, r),
            "agency_id": ctx.agency,
            "source_system_id": ctx.source_system,
            "source_id": r.key,
            "created_at": ctx.now,
        }
        for r in inserts
    ]
    for part_recs, part_rows in zip(chunks(inserts), chunks(new_rows), strict=True):
        ids = (
            ctx.conn.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), list(part_rows)
            )
            .scalars()
            .all()
        )
        for rec, rid in zip(part_recs, ids, strict=True):
            for name, rows in _parts(ctx, spec, rec, rid).items():
                parts.setdefault(name, []).extend(rows)
    _write_parts(ctx, spec.entity, [], parts)
    report.inserted += len(inserts)
    report.tombstoned += sum(r.deleted for r in inserts)
    if not updates:
        return
    cols = [*_values(ctx, spec, updates[0][0]).keys(), *_common(ctx, updates[0][0]).keys()]
    stmt = (
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values({c: bindparam(f"_v_{c}") for c in cols})
    )
    payload = [
        {
            "_id": old[0],
            **{f"_v_{c}": v for c, v in {**_values(ctx, spec, r), **_common(ctx, r)}.items()},
        }
        for r, old in updates
    ]
    for part in chunks(payload):
        ctx.conn.execute(stmt, list(part))
    parts = {}
    for rec, old in updates:
        for name, rows in _parts(ctx, spec, rec, old[0]).items():
            parts.setdefault(name, []).extend(rows)
    _write_parts(ctx, spec.entity, [old[0] for _r, old in updates], parts)
    deletions = sum(r.deleted and not old[2] for r, old in updates)
    report.updated += len(updates) - deletions  # a row that only says "deleted" is a tombstone
    report.flagged_deleted += deletions
    report.tombstoned += deletions


def _store_ledger(
    ctx: Context,
    spec: FileSpec,
    inserts: list[Record],
    updates: list[tuple[Record, tuple]],
    report: FileReport,
) -> None:
    target = LEDGER_TARGETS.get(spec.entity)
    entity = spec.entity

    def target_row(r: Record) -> dict[str, Any]:
        return {**_values(ctx, spec, r), "agency_id": ctx.agency}

    rows: list[dict[str, Any]] = []
    for part in chunks(inserts):
        ids: list[int | None] = [None] * len(part)
        live = [r for r in part if not r.deleted]
        if target is not None and live:
            got = (
                ctx.conn.execute(
                    insert(target).returning(target.c.id, sort_by_parameter_order=True),
                    [target_row(r) for r in live],
                )
                .scalars()
                .all()
            )
            it = iter(got)
            ids = [None if r.deleted else next(it) for r in part]
        rows.extend(
            {
                **_common(ctx, r),
                "source_system_id": ctx.source_system,
                "entity": entity,
                "source_id": r.key,
                "target_table": target.name if target is not None else None,
                "target_id": tid,
                "created_at": ctx.now,
            }
            for r, tid in zip(part, ids, strict=True)
        )
    for part in chunks(rows):
        ctx.conn.execute(insert(T_LEDGER), list(part))
    report.inserted += len(inserts)
    report.tombstoned += sum(r.deleted for r in inserts)
    for rec, old in updates:
        ledger_id, _h, was_deleted, target_id = old
        if target is not None:
            if target_id is not None:
                ctx.conn.execute(delete(target).where(target.c.id == target_id))
                target_id = None
            if not rec.deleted:
                target_id = ctx.conn.execute(
                    insert(target).returning(target.c.id), [target_row(rec)]
                ).scalar_one()
        ctx.conn.execute(
            update(T_LEDGER)
            .where(T_LEDGER.c.id == ledger_id)
            .values(**_common(ctx, rec), target_id=target_id)
        )
        deletion = rec.deleted and not was_deleted
        report.updated += not deletion
        report.flagged_deleted += deletion
        report.tombstoned += deletion


def _tombstone(
    ctx: Context, spec: FileSpec, table: Table, gone: list[tuple[str, tuple]], report: FileReport
) -> None:
    if not gone:
        return
    ids = [v[0] for _k, v in gone]
    for part in chunks(ids):
        ctx.conn.execute(
            update(table)
            .where(table.c.id.in_(list(part)))
            .values(is_deleted=True, deleted_at=ctx.now, batch_id=ctx.batch_id, updated_at=ctx.now)
        )
    target = LEDGER_TARGETS.get(spec.entity) if table is T_LEDGER else None
    if target is not None:
        tids = [v[3] for _k, v in gone if v[3] is not None]
        for part in chunks(tids):
            ctx.conn.execute(delete(target).where(target.c.id.in_(list(part))))
        for part in chunks(ids):
            ctx.conn.execute(update(table).where(table.c.id.in_(list(part))).values(target_id=None))
    report.tombstoned += len(gone)
