"""Synthetic city generation: wall time, peak memory and output size for 10k and 100k people.

`python -m bench.bench_synth [PEOPLE ...]` (default 10000 100000). Each size runs in a fresh
process so the peak RSS is that run's own; the later extract (--extract 2) is timed at 10,000.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench._report import md_table, write_section

CHILD = """
import json, resource, sys, time
from pathlib import Path
from openhhs.synth import generate
people, extract, out = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
t = time.perf_counter()
m = generate(people, 1, out, extract=extract)
seconds = time.perf_counter() - t
size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
print(json.dumps({"seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                  / 1024, "records": sum(m.records.values()), "mb": size / 2**20,
                  "households": m.households}))
"""


def run(people: int, extract: int, workdir: Path) -> dict[str, float]:
    out = workdir / f"city{people}_{extract}"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(people), str(extract), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    sizes = [int(a) for a in (argv or [])] or [10_000, 100_000]
    load = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = [(n, 1) for n in sizes] + [(min(sizes), 2)]
        for people, extract in cases:
            r = run(people, extract, Path(tmp))
            print(f"{people:>9,} people extract {extract}: {r['seconds']:.1f} s", flush=True)
            rows.append(
                [
                    f"{people:,}",
                    extract,
                    f"{r['households']:,.0f}",
                    f"{r['records']:,.0f}",
                    f"{r['seconds']:.1f}",
                    f"{r['records'] / r['seconds']:,.0f}",
                    f"{r['rss_mb']:.0f}",
                    f"{r['mb']:.1f}",
                ]
            )
    table = md_table(
        ["people", "extract", "households", "person records", "wall s", "records/s",
         "peak RSS MB", "output MB"],
        rows,
    )  # fmt: skip
    body = (
        f"{table}\n\nTarget (issue 2): 100,000 people well under a minute. Wall time includes "
        "writing every file (8 agencies, HMIS zip, ground truth, link file). Extract 2 renders "
        "extract 1 too, to diff them into `changes.csv`. Measured while 8 engineers shared 2 cores "
        f"(1-minute load average {load:.1f} at the start), so wall times are upper bounds."
    )
    write_section("synth", "Synthetic city generation", "python -m bench.bench_synth", body)


if __name__ == "__main__":
    main(sys.argv[1:])
