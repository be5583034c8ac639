"""CPU per Worker Connect request, in-process: where the load bench's throughput goes.

The load bench (`bench_workerconnect`) measures latency under 20 clients; on 2 shared cores that
latency is about 20 x (CPU per request) / cores, so this tool measures the CPU itself, without
the noise of concurrency. It serves the app in this process through `httpx.ASGITransport`
(no sockets), signs in as the demo HRA caseworker of the bench's cached 100k city, and runs
snapshots of random linked persons and searches of random names, one at a time, as the bench
draws them. Reported per request: wall time, this process's CPU (Python, and SQLite's own work),
and on PostgreSQL the server processes' CPU (read from /proc, all `postgres` processes).

    python -m bench.cpu_workerconnect sqlite [--n 300] [--profile snapshot|search]
    python -m bench.cpu_workerconnect sqlite --instructions [--n 60]
    python -m bench.cpu_workerconnect postgresql --statements [--n 20]

With `--profile`, the named request kind runs under cProfile and the top functions by
cumulative time are printed. With `--instructions`, the tool runs itself under valgrind's
callgrind (Debian's valgrind) and reports instructions per request, all threads: CPU seconds
on the shared 2 cores vary by +-20% with what else runs, instruction counts repeat, so two
versions of the code can be compared while other work goes on. With `--statements`, it counts
the statements sent to the database per request (each one a round trip on PostgreSQL, where
transaction control counts too) and lists those of the last request of each kind. Build the
city first with `python -m bench workerconnect`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import event

from bench.bench_workerconnect import WORK, _database_url, _samples
from openhhs.db import columns
from openhhs.demo.accounts import demo_password


def _postgres_cpu_seconds() -> float:
    """utime + stime of every process named postgres (the server's share of the work)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if name.startswith("postgres"):
            fields = stat[stat.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])
    return total / tick


async def _signed_in(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/wc/signin", data={"username": "hra.caseworker", "password": demo_password()}
    )
    assert r.status_code in (200, 303), r.text
    page = (await client.get("/wc/purpose")).text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.headers["X-CSRF-Token"] = csrf
    await client.post("/wc/purpose", data={"purpose": "case_management", "next": "/wc/search"})


async def _run(client: httpx.AsyncClient, paths: list[str]) -> tuple[float, float, float]:
    wall, cpu, pg = time.perf_counter(), time.process_time(), _postgres_cpu_seconds()
    for path in paths:
        r = await client.get(path)
        assert r.status_code in (200, 404), (path, r.status_code, r.text[:300])
    n = len(paths)
    return (
        (time.perf_counter() - wall) * 1000 / n,
        (time.process_time() - cpu) * 1000 / n,
        (_postgres_cpu_seconds() - pg) * 1000 / n,
    )


def _callgrind(*args: str) -> None:
    """Drive the callgrind instance this process runs under (see `--instructions`)."""
    subprocess.run(["callgrind_control", *args, str(os.getpid())], check=True, capture_output=True)


def _instructions(dump_dir: Path) -> dict[str, int]:
    """Total instructions of each named callgrind dump (its "summary:" line)."""
    out = {}
    for path in dump_dir.glob("cg.*"):
        lines = path.read_text(errors="replace").splitlines()
        trigger = next((x for x in lines if x.startswith("desc: Trigger:")), "")
        total = next((int(x.split()[1]) for x in lines if x.startswith("summary:")), 0)
        if "dump " in trigger:
            out[trigger.rsplit("dump ", 1)[1].strip()] = total
    return out


class _StatementLog:
    """Every statement the engine's connections send, transaction control included."""

    def __init__(self, engine: Any) -> None:
        self.lines: list[str] = []
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", lambda _conn: self.lines.append("BEGIN"))
        event.listen(engine, "commit", lambda _conn: self.lines.append("COMMIT"))
        event.listen(engine, "rollback", lambda _conn: self.lines.append("ROLLBACK"))

        # `fetch_together` sends its selects past SQLAlchemy's execution on PostgreSQL
        together = columns._fetch_postgresql

        def counted(connection: Any, reads: Any) -> list[list[Any]]:
            self.lines.append(f"({len(reads)} selects in one round trip: fetch_together)")
            return together(connection, reads)

        columns._fetch_postgresql = counted

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        self.lines.append(" ".join(statement.split())[:150])


async def main_async(
    backend: str, n: int, profile: str | None, people: int, statements: bool = False
) -> None:
    from openhhs.config import Settings
    from openhhs.db import make_engine
    from openhhs.web import create_app

    if not (WORK / f"{backend}-{people}" / "state.json").exists():
        raise SystemExit(
            f"no cached {backend} city of {people:,}: run python -m bench workerconnect"
        )
    url = _database_url(backend, people)
    os.environ["OPENHHS_COOKIE_SECURE"] = "0"
    engine = make_engine(url, pool_size=5)
    app = create_app(Settings.from_env(), engine=engine)
    eids, names = _samples(url, n)
    rnd = random.Random(7)
    kinds = {
        "snapshot": [f"/api/v1/persons/{rnd.choice(eids)}" for _ in range(n)],
        "search": [
            "/api/v1/persons?" + urlencode({"first_name": f, "last_name": la})
            for f, la in (rnd.choice(names) for _ in range(n))
        ],
    }
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        await _signed_in(client)
        for paths in kinds.values():  # warm caches (policy, statements) before measuring
            await _run(client, paths[:20])
        counting = os.environ.get(_UNDER_CALLGRIND) == "1"
        log = _StatementLog(engine) if statements else None
        for kind, paths in kinds.items():
            if log is not None:
                for path in paths:
                    log.lines.clear()
                    await _run(client, [path])
                    per_request = len(log.lines)
                print(f"{backend} {kind}: {per_request} statements in the last request")
                print("\n".join(f"  {line}" for line in log.lines))
                continue
            if counting:
                _callgrind("--zero")
                _callgrind("--instr=on")
                await _run(client, paths)
                _callgrind(f"--dump={kind}")
                _callgrind("--instr=off")
                continue
            if kind == profile:
                prof = cProfile.Profile()
                prof.enable()
                await _run(client, paths)
                prof.disable()
                pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
                continue
            wall, cpu, pg = await _run(client, paths)
            extra = f", postgres {pg:.1f} ms" if backend == "postgresql" else ""
            print(f"{backend} {kind}: wall {wall:.1f} ms, cpu {cpu:.1f} ms{extra} per request")


_UNDER_CALLGRIND = "OPENHHS_BENCH_UNDER_CALLGRIND"


def _count_instructions(backend: str, n: int, people: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={tmp}/cg.%p",
            sys.executable,
            "-m",
            "bench.cpu_workerconnect",
            backend,
            "--n",
            str(n),
            "--people",
            str(people),
        ]
        env = {**os.environ, _UNDER_CALLGRIND: "1", "PYTHONMALLOC": "malloc"}
        subprocess.run(cmd, env=env, check=True, stderr=subprocess.DEVNULL)
        for kind, total in sorted(_instructions(Path(tmp)).items()):
            print(f"{backend} {kind}: {total / n / 1e6:.1f} M instructions per request (n={n})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("backend", choices=["sqlite", "postgresql"])
    parser.add_argument("--n", type=int, default=300, help="requests per kind")
    parser.add_argument("--profile", choices=["snapshot", "search"])
    parser.add_argument("--people", type=int, default=100000)
    parser.add_argument("--instructions", action="store_true", help="count under callgrind")
    parser.add_argument("--statements", action="store_true", help="list statements per request")
    args = parser.parse_args()
    if args.instructions:
        _count_instructions(args.backend, args.n, args.people)
        return
    asyncio.run(main_async(args.backend, args.n, args.profile, args.people, args.statements))


if __name__ == "__main__":
    main()
