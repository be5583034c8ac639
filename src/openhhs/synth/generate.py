"""`generate`: build the city, let each agency record it, write the files and the truth."""

from __future__ import annotations

import gc
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from openhhs.errors import InvalidInput
from openhhs.synth import writer
from openhhs.synth.population import AS_OF_1, City, FastRandom, build_city
from openhhs.synth.sources import acs, dfta, dhs, doc, doe, dohmh, hra, nycha
from openhhs.synth.sources.base import Context, Ids, Row, SourceData, Table, iso

GENERATOR = "openhhs.synth/1"
# Build order matters: DOHMH looks at who DHS and DOC serve.
SOURCES: tuple[ModuleType, ...] = (hra, dhs, acs, doe, nycha, doc, dohmh, dfta)
LINK_COLUMNS = (
    "source", "record_id", "first_name", "middle_name", "last_name", "suffix", "dob", "sex",
    "ssn", "phone", "street", "unit", "city", "state", "zip",
)  # fmt: skip
MAX_PEOPLE = 5_000_000

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Manifest:
    """What was written: enough for a test or an ingest run to check every row arrived."""

    seed: int
    people: int
    extract: int
    as_of: str
    households: int
    files: dict[str, dict[str, Any]]
    records: dict[str, int]
    hard_pairs: dict[str, int] = field(default_factory=dict)
    out: Path | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "generator": GENERATOR,
            "seed": self.seed,
            "people": self.people,
            "extract": self.extract,
            "as_of": self.as_of,
            "households": self.households,
            "records": self.records,
            "hard_pairs": self.hard_pairs,
            "files": self.files,
        }

    @classmethod
    def load(cls, out: Path) -> Manifest:
        try:
            raw = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InvalidInput(f"{out}: no readable synth manifest.json ({exc})") from None
        if not isinstance(raw, dict) or raw.get("status") == "writing" or "files" not in raw:
            raise InvalidInput(f"{out}: synth output is incomplete (interrupted run?)")
        return cls(
            seed=raw["seed"],
            people=raw["people"],
            extract=raw["extract"],
            as_of=raw["as_of"],
            households=raw["households"],
            files=raw["files"],
            records=raw["records"],
            hard_pairs=raw.get("hard_pairs", {}),
            out=out,
        )


@dataclass
class World:
    """The city and what every agency holds about it at one extract."""

    ctx: Context
    sources: dict[str, SourceData]


def build_world(people: int, seed: int, progress: Progress | None = None) -> World:
    say = progress or (lambda _msg: None)
    say("population")
    city: City = build_city(people, seed)
    r = FastRandom(seed * 1_000_003 + 17)
    ctx = Context(city, r, AS_OF_1, Ids(FastRandom(seed + 99_991)))
    sources: dict[str, SourceData] = {}
    for module in SOURCES:
        say(module.SOURCE)
        sources[module.SOURCE] = module.build(ctx)
    return World(ctx, sources)


def render(world: World) -> tuple[list[Table], list[Row]]:
    tables: list[Table] = []
    links: list[Row] = []
    for module in SOURCES:
        t, lk = module.render(world.ctx, world.sources[module.SOURCE])
        tables += t
        links += lk
    return tables, links


def generate(
    people: int,
    seed: int,
    out: Path,
    extract: int = 1,
    hmis_version: int = 2024,
    progress: Progress | None = None,
) -> Manifest:
    """Write a synthetic city for `people` residents into `out` (replacing what synth wrote there).

    The same (people, seed, extract) always gives byte-identical files. `extract` >= 2 gives the
    same city later in time, with `changes.csv` listing what differs from extract - 1.
    `hmis_version` 2026 writes DHS's zip in the FY2026 HMIS CSV layout (Sex, no gender columns).
    """
    if not 1 <= people <= MAX_PEOPLE:
        raise InvalidInput(f"people must be between 1 and {MAX_PEOPLE:,}, got {people}")
    if not 1 <= extract <= 40:
        raise InvalidInput(f"extract must be between 1 and 40, got {extract}")
    if hmis_version not in (2024, 2026):
        raise InvalidInput(f"hmis_version must be 2024 or 2026, got {hmis_version}")
    out = Path(out)
    _preflight(out)  # fail before minutes of work, not after
    collecting = gc.isenabled()
    gc.disable()  # millions of small objects, no cycles: the collector only costs time here
    try:
        say = progress or (lambda _msg: None)
        return _generate(people, seed, out, extract, str(hmis_version), say)
    finally:
        if collecting:
            gc.enable()


def _generate(
    people: int, seed: int, out: Path, extract: int, hmis_version: str, say: Progress
) -> Manifest:
    world = build_world(people, seed, say)
    world.ctx.hmis_version = hmis_version
    previous: list[Table] | None = None
    if extract > 1:
        from openhhs.synth import extract as later

        for k in range(2, extract + 1):
            if k == extract:
                previous, _ = render(world)
            say(f"extract {k}")
            later.advance(world, seed, k)
    say("writing")
    _clear(out)
    # Render and write one agency at a time, so only one agency's rendered rows are in memory
    # (the diff of a later extract needs them all; it keeps them).
    files: dict[str, dict[str, Any]] = {}
    links: list[Row] = []
    tables: list[Table] = []
    for module in SOURCES:
        rendered, module_links = module.render(world.ctx, world.sources[module.SOURCE])
        files.update(_write_tables(out, rendered, world.ctx.as_of, world.ctx.hmis_version))
        links += module_links
        if previous is not None:
            tables += rendered
        del rendered
    links.sort(key=lambda row: (row["source"], row["record_id"]))
    city = world.ctx.city
    pairs = sorted((city.people[a].pid, city.people[b].pid, kind) for a, b, kind in city.hard_pairs)
    files.update(_write_truth(out, city, links, pairs))
    if previous is not None:
        from openhhs.synth import extract as later

        changes = later.diff(previous, tables)
        (out / "changes.csv").write_bytes(writer.csv_bytes(later.CHANGE_COLUMNS, changes))
        files["changes.csv"] = {"source": "", "format": "csv", "rows": len(changes)}
    records: dict[str, int] = {}
    for row in links:
        records[row["source"]] = records.get(row["source"], 0) + 1
    kinds: dict[str, int] = {}
    for _a, _b, kind in pairs:
        kinds[kind] = kinds.get(kind, 0) + 1
    manifest = Manifest(
        seed=seed,
        people=people,
        extract=extract,
        as_of=iso(world.ctx.as_of),
        households=len(city.households),
        files=dict(sorted(files.items())),
        records=dict(sorted(records.items())),
        hard_pairs=dict(sorted(kinds.items())),
        out=out,
    )
    (out / "manifest.json").write_text(json.dumps(manifest.to_json(), indent=2) + "\n")
    return manifest


def _write_truth(
    out: Path, city: City, links: list[Row], pairs: list[tuple[str, str, str]]
) -> dict[str, dict[str, Any]]:
    """ground_truth.csv, link_file.csv and hard_pairs.csv."""
    truth = [
        [row["source"], row["record_id"], city.people[int(row["_person"])].pid] for row in links
    ]
    (out / "ground_truth.csv").write_bytes(
        writer.csv_bytes(("source", "record_id", "person_id"), truth)
    )
    (out / "link_file.csv").write_bytes(
        writer.csv_bytes(LINK_COLUMNS, [[row[c] for c in LINK_COLUMNS] for row in links])
    )
    (out / "hard_pairs.csv").write_bytes(
        writer.csv_bytes(("person_id_a", "person_id_b", "kind"), pairs)
    )
    return {
        "ground_truth.csv": {"source": "", "format": "csv", "rows": len(truth)},
        "link_file.csv": {"source": "", "format": "csv", "rows": len(links)},
        "hard_pairs.csv": {"source": "", "format": "csv", "rows": len(pairs)},
    }


def _write_tables(
    out: Path, tables: list[Table], as_of: int, hmis_version: str
) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    zips: dict[str, list[Table]] = {}
    for table in tables:
        if table.fmt == "hmis":
            zips.setdefault(str(Path(table.path).parent), []).append(table)
            continue
        writer.write_table(out, table)
        files[table.path] = {
            "source": table.source,
            "format": table.fmt,
            "rows": len(table.rows),
            "key": table.key,
            "person_file": table.person_file,
        }
    for zpath, members in zips.items():
        writer.write_zip(out / zpath, members, as_of)
        client = next(t for t in members if t.person_file)
        files[zpath] = {
            "source": client.source,
            "format": f"hmis-csv-fy{hmis_version}",
            "rows": len(client.rows),
            "key": client.key,
            "person_file": True,
            "members": {Path(t.path).name: len(t.rows) for t in members},
        }
    return files


def _preflight(out: Path) -> None:
    """Refuse a target that is a file, or that holds agency folders synth did not write."""
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"{out} exists and is not a folder")
    if not out.is_dir() or _is_synth_output(out):
        return
    for module in SOURCES:
        folder = out / module.SOURCE.lower()
        if folder.is_dir() and any(folder.iterdir()):
            raise InvalidInput(
                f"{out} already has agency folders that synth did not write; choose an empty folder"
            )


def _clear(out: Path) -> None:
    """Remove what an earlier synth run wrote here (only our files), so nothing stale survives.

    Agency folders are only deleted when a synth manifest says we made them; a folder that merely
    happens to be called `doc/` or `hra/` is never touched: the run is refused instead.
    """
    _preflight(out)
    out.mkdir(parents=True, exist_ok=True)
    folders = [out / module.SOURCE.lower() for module in SOURCES]
    for name in ("ground_truth.csv", "link_file.csv", "hard_pairs.csv", "changes.csv"):
        (out / name).unlink(missing_ok=True)
    for folder in folders:
        if folder.is_dir():
            shutil.rmtree(folder)
    # A provisional manifest marks the folder as ours even if this run is interrupted, so the
    # next run may clean it up; the real manifest replaces it when every file is written.
    provisional = {"generator": GENERATOR, "status": "writing"}
    (out / "manifest.json").write_text(json.dumps(provisional) + "\n")


def _is_synth_output(out: Path) -> bool:
    try:
        raw = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(raw, dict) and str(raw.get("generator", "")).startswith("openhhs.synth/")
