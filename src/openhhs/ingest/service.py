"""`ingest_path`: find which source each file belongs to, load each file in one transaction.

A file (or an HMIS zip) is the unit of atomicity: all its records, quarantined rows, batch
records and tombstones commit together, or a failed batch record with the error is all that
remains. Files are loaded in dependency order (households before members, persons before
enrollments), so each one's references resolve against what is already committed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, insert, update

from openhhs.errors import InvalidInput, OpenHHSError
from openhhs.ingest.readers import FileRejected, read_csv, read_jsonl
from openhhs.ingest.readers import Table as RawTable
from openhhs.ingest.schemas import FileReport, IngestReport
from openhhs.ingest.spec import (
    ENTITY_ORDER,
    REFERENCES,
    FileSpec,
    SourceSpec,
    builtin_specs,
    find_spec,
)
from openhhs.ingest.store import (
    Context,
    ensure_programs,
    ensure_source,
    load_records,
    stored_records,
)
from openhhs.ingest.transform import Record, compile_file
from openhhs.model import IngestBatch
from openhhs.model.codes import BatchMode, BatchStatus

T_BATCH: Table = IngestBatch.__table__  # type: ignore[assignment]
Progress = Callable[[str, float], None]  # (file, bytes' worth of work just done)
TICK_ROWS = 2000


@dataclass
class Ticker:
    """Turns rows mapped into a share of the file's bytes, so long files move the bar."""

    progress: Progress | None
    name: str
    size: int
    units: int = 0  # rows x specs to map in this file
    done: float = 0.0

    def rows(self, n: int) -> None:
        if self.progress is not None and self.units:
            step = self.size * n / self.units
            self.done += step
            self.progress(self.name, step)

    def finish(self) -> None:
        if self.progress is not None and self.size > self.done:
            self.progress(self.name, self.size - self.done)


@dataclass
class Unit:
    """One file to load and the specs that read it."""

    source: SourceSpec
    path: Path
    relative: str
    specs: list[FileSpec] = field(default_factory=list)
    hmis: bool = False
    root: Path | None = None

    @property
    def provides(self) -> set[str]:
        return {s.entity for s in self.specs} if not self.hmis else {"person"}

    @property
    def needs(self) -> set[str]:
        refs = {
            {"person_key": "person", "household_key": "household"}[r]
            for s in self.specs
            for r in (REFERENCES[s.entity] + (("household_key",) if s.household_key else ()))
        }
        return refs - self.provides


def _files(path: Path) -> list[tuple[Path, str]]:
    if path.is_file():
        return [(path, path.name)]
    out = []
    for p in sorted(path.rglob("*")):
        rel = p.relative_to(path).as_posix()
        if p.is_file() and not any(part.startswith(".") for part in rel.split("/")):
            out.append((p, rel))
    return out


def plan(
    path: Path, source: str | None = None, specs: dict[str, SourceSpec] | None = None
) -> tuple[list[Unit], list[str]]:
    """The units to load, in dependency order, and the files no spec claims."""
    specs = builtin_specs() if specs is None else specs
    if not path.exists():
        raise InvalidInput(f"{path}: no such file or directory")
    candidates = [find_spec(source, specs)] if source else list(specs.values())
    units: list[Unit] = []
    unmatched: list[str] = []
    root = path if path.is_dir() else path.parent
    for p, rel in _files(path):
        unit = None
        for s in candidates:
            if s.hmis is not None and s.matches(rel) and p.suffix.lower() == ".zip":
                unit = Unit(s, p, rel, hmis=True, root=root)
                break
            matching = [f for f in s.files if f.matches(rel)]
            if matching:
                matching.sort(key=lambda f: ENTITY_ORDER.index(f.entity))
                unit = Unit(s, p, rel, matching, root=root)
                break
        if unit is None:
            unmatched.append(rel)
        else:
            units.append(unit)
    return _ordered(units), unmatched


def _ordered(units: list[Unit]) -> list[Unit]:
    """Topological order inside each source: a unit waits for units providing what it needs."""
    done: list[Unit] = []
    pending = list(units)
    while pending:
        for u in pending:
            blockers = [
                o
                for o in pending
                if o is not u
                and o.source.source_system == u.source.source_system
                and o.provides & u.needs
            ]
            if not blockers:
                break
        else:
            u = pending[0]  # a cycle: load in file order, references resolve against the DB
        pending.remove(u)
        done.append(u)
    return done


def _new_batch(conn: Connection, source: SourceSpec, name: str, mode: BatchMode, sha: str) -> int:
    return int(
        conn.execute(
            insert(T_BATCH).returning(T_BATCH.c.id),
            [
                {
                    "source_system_id": source.source_system,
                    "file_name": name,
                    "file_sha256": sha,
                    "mode": mode,
                    "status": BatchStatus.RUNNING,
                    "rows_read": 0,
                    "rows_inserted": 0,
                    "rows_updated": 0,
                    "rows_unchanged": 0,
                    "rows_quarantined": 0,
                    "rows_tombstoned": 0,
                    "report": {},
                }
            ],
        ).scalar_one()
    )


def finish_batch(conn: Connection, batch_id: int, report: FileReport) -> None:
    conn.execute(
        update(T_BATCH)
        .where(T_BATCH.c.id == batch_id)
        .values(
            status=BatchStatus.COMMITTED,
            finished_at=dt.datetime.now(dt.UTC),
            rows_read=report.rows_read,
            rows_inserted=report.inserted,
            rows_updated=report.updated,
            rows_unchanged=report.unchanged,
            rows_quarantined=report.quarantined,
            rows_tombstoned=report.tombstoned,
            report={
                "entity": report.entity,
                "warnings": report.warnings[:100],
                "not_applicable": report.not_applicable,
            },
        )
    )


def _read(unit: Unit, spec: FileSpec, data: bytes) -> RawTable:
    required: set[str] = set()
    for s in unit.specs:
        required |= s.required_columns()
    if spec.format == "jsonl":
        return read_jsonl(data, name=unit.relative, encoding=spec.encoding, required=required)
    table = read_csv(
        data,
        name=unit.relative,
        delimiter=spec.delimiter,
        encoding=spec.encoding,
        required=required,
    )
    joined = tuple(s.join.prefix for s in unit.specs if s.join)
    absent = sorted(
        f"{name} ({' | '.join(fs.all_columns)})"
        for s in unit.specs
        for name, fs in {**s.fields, **s.identifiers}.items()
        if fs.all_columns
        and not set(fs.all_columns) & set(table.columns)
        and not (joined and all(c.startswith(joined) for c in fs.all_columns))
    )
    if absent:
        raise FileRejected(
            f"{unit.relative}: the mapping's column(s) are missing: {', '.join(absent)}"
        )
    return table


def _join(unit: Unit, spec: FileSpec, table: RawTable) -> RawTable:
    """Add the looked-up file's columns (`prefix.COL`) to every row; no match adds nothing."""
    j = spec.join
    if j is None:
        return table
    root = unit.root or unit.path.parent
    candidates = [root / j.file, unit.path.parent / Path(j.file).name]
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        raise FileRejected(f"{unit.relative}: needs {j.file} to look up {', '.join(j.by)}")
    data = found.read_bytes()
    if j.format == "jsonl":
        other = read_jsonl(data, name=j.file, required=set(j.key))
    else:
        other = read_csv(data, name=j.file, delimiter=j.delimiter, required=set(j.key))
    index = {
        ":".join(r.values.get(k, "").strip() for k in j.key): r.values
        for r in other.rows
        if not r.problem
    }
    rows = []
    for r in table.rows:
        match = index.get(":".join(r.values.get(k, "").strip() for k in j.by), {})
        extra = {f"{j.prefix}{c}": v for c, v in match.items()}
        rows.append(dataclasses.replace(r, values={**r.values, **extra}))
    columns = table.columns + tuple(f"{j.prefix}{c}" for c in other.columns)
    return RawTable(table.name, columns, rows)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_table(
    conn: Connection,
    source: SourceSpec,
    spec: FileSpec,
    table: RawTable,
    file_name: str,
    sha: str,
    *,
    primary: bool = True,
    ticker: Ticker | None = None,
    unit_batches: list[int] | None = None,
) -> FileReport:
    """Map and store one table with one spec inside the caller's transaction.

    A row the reader already rejected (ragged, undecodable) is quarantined by the file's first
    (primary) spec only; the other specs of the same file count it as not applicable.
    """
    report = FileReport(path=file_name, source_system=source.source_system, entity=spec.entity)
    batch_id = _new_batch(conn, source, file_name, spec.mode, sha)
    report.batch_id = batch_id
    ctx = Context(
        conn=conn,
        batch_id=batch_id,
        source_system=source.source_system,
        agency=source.agency.value,
        file_name=file_name,
        mode_full=spec.mode is BatchMode.FULL,
    )
    if unit_batches is not None:
        unit_batches.append(batch_id)
        ctx.first_batch_id = unit_batches[0]
    stored = stored_records(ctx, spec)
    mapper = compile_file(source, spec, stored)
    report.rows_read = len(table.rows)
    records: list[Record] = []
    present: set[str] = set()  # keys of rows this spec skips: still in the extract
    for i, row in enumerate(table.rows, start=1):
        rec = mapper(row)
        if rec is not None and row.problem and not primary:
            present.add(rec.key)
            rec = None
        if rec is None:
            report.not_applicable += 1
        else:
            records.append(rec)
        if ticker is not None and i % TICK_ROWS == 0:
            ticker.rows(TICK_ROWS)
    load_records(ctx, spec, records, report, present=present, existing=stored)
    finish_batch(conn, batch_id, report)
    return report


def _load_unit(engine: Engine, unit: Unit, ticker: Ticker | None = None) -> list[FileReport]:
    data = unit.path.read_bytes()
    sha = sha256(data)
    if unit.hmis:
        from openhhs.ingest.hmis import load_hmis_zip

        with engine.begin() as conn:
            _register(conn, unit.source)
            return load_hmis_zip(conn, unit.source, unit.path, unit.relative, sha)
    reports: list[FileReport] = []
    with engine.begin() as conn:
        _register(conn, unit.source)
        table = _read(unit, unit.specs[0], data)
        if ticker is not None:
            ticker.units = len(table.rows) * len(unit.specs)
        batches: list[int] = []
        for i, spec in enumerate(unit.specs):
            spec_table = _join(unit, spec, table)
            reports.append(
                load_table(
                    conn,
                    unit.source,
                    spec,
                    spec_table,
                    unit.relative,
                    sha,
                    primary=i == 0,
                    ticker=ticker,
                    unit_batches=batches,
                )
            )
    return reports


def _register(conn: Connection, source: SourceSpec) -> None:
    ensure_source(conn, source.source_system, source.agency, source.name, source.description)
    ensure_programs(conn, source.agency, source.programs)


def _failed(engine: Engine, unit: Unit, error: str) -> FileReport:
    """Record the failure in its own transaction: the file's data was rolled back."""
    mode = unit.specs[0].mode if unit.specs else BatchMode.FULL
    with engine.begin() as conn:
        _register(conn, unit.source)
        batch_id = _new_batch(conn, unit.source, unit.relative, mode, "")
        conn.execute(
            update(T_BATCH)
            .where(T_BATCH.c.id == batch_id)
            .values(
                status=BatchStatus.FAILED, error=error[:2000], finished_at=dt.datetime.now(dt.UTC)
            )
        )
    return FileReport(
        path=unit.relative,
        source_system=unit.source.source_system,
        entity=", ".join(s.entity for s in unit.specs) or "hmis",
        batch_id=batch_id,
        status="failed",
        error=error,
    )


def ingest_path(
    engine: Engine,
    path: Path | str,
    source: str | None = None,
    *,
    specs: dict[str, SourceSpec] | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Load a file, an HMIS zip or a directory of agency drops; see docs/ingest.md."""
    path = Path(path)
    units, unmatched = plan(path, source, specs)
    report = IngestReport()
    for unit in units:
        started = time.perf_counter()
        ticker = Ticker(progress, unit.relative, unit.path.stat().st_size)
        try:
            file_reports = _load_unit(engine, unit, ticker)
        except OpenHHSError as exc:
            file_reports = [_failed(engine, unit, exc.message)]
        except Exception as exc:  # a crash mid-file: the transaction rolled back; say why
            file_reports = [_failed(engine, unit, f"{type(exc).__name__}: {exc}"[:2000])]
        for fr in file_reports:
            fr.seconds = round(time.perf_counter() - started, 3)
        report.files.extend(file_reports)
        ticker.finish()
    for rel in unmatched:
        report.files.append(FileReport(path=rel, status="skipped", error="no mapping matches"))
    return report
