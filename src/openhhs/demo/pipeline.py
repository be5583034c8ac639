"""`openhhs demo`: synthetic city -> ingest -> batch link -> online index -> agreements, accounts.

Each step records itself in `var/demo/state.json` with the parameters it ran with, so a second
run with the same parameters skips straight to serving (seconds), and a run with a different
`--people` or `--seed` starts over on a fresh database file.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

STEPS = ("migrate", "synth", "ingest", "link", "index", "access", "sample")


@dataclass
class DemoState:
    path: Path
    params: dict[str, Any]
    done: dict[str, float] = field(default_factory=dict)  # step -> seconds it took
    tokens: dict[str, str] = field(default_factory=dict)  # push tokens, shown on every run

    @classmethod
    def load(cls, path: Path, params: dict[str, Any]) -> DemoState:
        if path.exists():
            try:
                data = json.loads(path.read_text())
            except (OSError, ValueError):
                data = {}
            if data.get("params") == params:
                return cls(path, params, dict(data.get("done", {})), dict(data.get("tokens", {})))
        return cls(path, params)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        payload = {"params": self.params, "done": self.done, "tokens": self.tokens}
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # holds push tokens
        with os.fdopen(fd, "w") as fh:
            json.dump(payload, fh, indent=2)
        tmp.replace(self.path)

    @property
    def complete(self) -> bool:
        return all(s in self.done for s in STEPS)


def run_steps(
    state: DemoState,
    engine: Engine,
    city_dir: Path,
    people: int,
    seed: int,
    say: Callable[[str], None],
) -> None:
    """Run the steps not yet done, in order, saving progress after each."""
    actions: dict[str, Callable[[], str]] = {
        "migrate": lambda: _migrate(engine),
        "synth": lambda: _synth(people, seed, city_dir),
        "ingest": lambda: _ingest(engine, city_dir),
        "link": lambda: _link(engine),
        "index": lambda: _index(engine),
        "access": lambda: _access(engine, state),
        "sample": lambda: _sample(engine),
    }
    for step in STEPS:
        if step in state.done:
            continue
        say(f"{step}…")
        started = time.perf_counter()
        note = actions[step]()
        state.done[step] = round(time.perf_counter() - started, 1)
        state.save()
        say(f"{step}: {note} ({state.done[step]} s)")


def _migrate(engine: Engine) -> str:
    from openhhs.db import upgrade

    upgrade(engine)
    return "schema up to date"


def _synth(people: int, seed: int, out: Path) -> str:
    from openhhs.synth import generate

    manifest = generate(people, seed, out)
    return f"{manifest.people:,} people, {sum(manifest.records.values()):,} agency records"


def _ingest(engine: Engine, city_dir: Path) -> str:
    from openhhs.ingest import ingest_path

    report = ingest_path(engine, city_dir)
    if not report.ok:
        failed = "; ".join(f"{f.path}: {f.error}" for f in report.failed)
        raise RuntimeError(f"ingest failed: {failed}")
    return (
        f"{report.total('inserted'):,} rows stored, {report.total('quarantined'):,} quarantined "
        "(with reasons)"
    )


def _link(engine: Engine) -> str:
    from openhhs.linkage.run import link_database

    stats = link_database(engine.url.render_as_string(hide_password=False))
    shown = {k: v for k, v in stats.items() if isinstance(v, int | float) or k == "model"}
    return ", ".join(f"{k}={v}" for k, v in shown.items())


def _index(engine: Engine) -> str:
    from openhhs.cci.sync import rebuild_index

    with Session(engine) as s:
        report = rebuild_index(s)
        s.commit()
    return f"{report.records:,} records matchable in real time"


def _access(engine: Engine, state: DemoState) -> str:
    from openhhs.access.store import load_agreements
    from openhhs.demo.accounts import ensure_demo_users, ensure_service_accounts

    with Session(engine) as s:
        load_agreements(s)
        ensure_demo_users(s)
        state.tokens.update(ensure_service_accounts(s))
        s.commit()
    return "agreements loaded, demo accounts ready"


def _sample(engine: Engine) -> str:
    from openhhs.demo.sample import build_sample_city

    with Session(engine) as s:
        build_sample_city(s)
        s.commit()
    return "guided-tour people added (Maria Lopez, Ana Ruiz, John Doe)"
