"""Ingest throughput: a generated city (default 100,000 people) into SQLite and PostgreSQL.

Measures the first load (every row standardized, validated and bulk-inserted) and a second load
of the same files (every row hashed and found unchanged). PostgreSQL runs in a scratch database
on OPENHHS_BENCH_PG_URL (default: the local server used by the tests) and is skipped if none.
`BENCH_INGEST_PEOPLE` changes the city size.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from bench._report import md_table, write_section
from openhhs.db import make_engine, upgrade
from openhhs.ingest import IngestReport, ingest_path
from openhhs.synth import generate

PEOPLE = int(os.environ.get("BENCH_INGEST_PEOPLE", "100000"))
PG_ADMIN = os.environ.get(
    "OPENHHS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def run(url: str, city: Path) -> list[object]:
    engine = make_engine(url)
    upgrade(engine)
    t0 = time.perf_counter()
    first: IngestReport = ingest_path(engine, city)
    t1 = time.perf_counter()
    second: IngestReport = ingest_path(engine, city)
    t2 = time.perf_counter()
    engine.dispose()
    assert first.ok and all(f.reconciles for f in first.files)
    assert second.total("inserted") + second.total("updated") == 0
    rows = first.total("rows_read")
    return [
        f"{rows:,}",
        f"{first.total('inserted'):,}",
        f"{first.total('quarantined'):,}",
        f"{t1 - t0:,.0f} s",
        f"{rows / (t1 - t0):,.0f}",
        f"{t2 - t1:,.0f} s",
    ]


def pg_url() -> tuple[str, object] | None:
    try:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        name = f"openhhs_bench_ingest_{secrets.token_hex(3)}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: report SQLite only
        print(f"PostgreSQL skipped: {str(exc).splitlines()[0]}")
        return None
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", (admin, name)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        city = Path(tmp) / "city"
        t = time.perf_counter()
        manifest = generate(people=PEOPLE, seed=42, out=city)
        print(f"synth {PEOPLE:,} people in {time.perf_counter() - t:,.0f} s")
        results = [["SQLite (file)", *run(f"sqlite:///{Path(tmp) / 'bench.db'}", city)]]
        print(results[-1])
        pg = pg_url()
        if pg is not None:
            url, (admin, name) = pg  # type: ignore[misc]
            try:
                results.append(["PostgreSQL (local server)", *run(url, city)])
                print(results[-1])
            finally:
                with admin.connect() as conn:  # type: ignore[attr-defined]
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        del manifest
    body = (
        f"A synthetic city of {PEOPLE:,} people (`openhhs synth --seed 42`), all 8 agencies, "
        "loaded with `ingest_path` into an empty database, then loaded again (every row hashed "
        "and found unchanged). Each file is one transaction; rows are standardized, validated "
        "and written with `executemany` in chunks of 2,000.\n\n"
        + md_table(
            [
                "database",
                "rows read",
                "records inserted",
                "quarantined",
                "first load",
                "rows/s",
                "second load (no-op)",
            ],
            results,
        )
        + "\n\nMeasured while 8 engineers shared the machine's 2 cores: treat as an upper bound."
    )
    write_section("ingest", f"Ingest ({PEOPLE:,}-person city)", "python -m bench ingest", body)


if __name__ == "__main__":
    main()
