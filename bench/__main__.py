"""Run every benchmark module in its own process (clean memory figures), one after another.

`python -m bench` runs all; `python -m bench cci screening` runs the named ones.
Each module `bench/bench_<name>.py` has a `main()` that measures and calls
`bench._report.write_section(...)`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    failed = []
    for name in names:
        print(f"== bench {name}", flush=True)
        rc = subprocess.call([sys.executable, "-m", f"bench.bench_{name}"])
        if rc:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
