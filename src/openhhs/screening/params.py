"""Effective-dated parameters: every figure a rule uses, the dates it is in force, its source.

Each YAML file under `parameters/` holds named parameters; the file stem plus the name is the lookup
key (`snap.yaml: gross_limit` is read as `snap.gross_limit`). A parameter lists `values`, each with
`effective_from`, an optional `effective_to` (inclusive; open-ended when absent) and a `value` that
is a number or a household-size table (`{1: ..., 8: ..., additional: ...}`). Periods of one
parameter may not overlap, so "the value in force on date D" has exactly one answer or none, and
none is an error naming the parameter and the date.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from openhhs.errors import InvalidInput

PARAMETER_DIR = Path(__file__).parent / "parameters"


class ParameterNotInForce(InvalidInput):
    """No value of a parameter is in force on the requested date."""

    code = "parameter_not_in_force"


@dataclass(frozen=True)
class SizeTable:
    """A limit by household size; sizes above the table add `additional` per person."""

    by_size: tuple[float, ...]  # index 0 is size 1
    additional: float
    _array: npt.NDArray[np.float64] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_array", np.asarray(self.by_size, dtype=np.float64))

    def __call__(self, size: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Vectorized lookup: sizes below 1 count as 1."""
        s = np.maximum(np.asarray(size, dtype=np.int64), 1)
        n = len(self.by_size)
        out: npt.NDArray[np.float64] = self._array[np.minimum(s, n) - 1]
        if self.additional and (s > n).any():
            out = out + np.maximum(s - n, 0) * self.additional
        return out

    def at(self, size: int) -> float:
        return float(self(np.array([size]))[0])


@dataclass(frozen=True)
class Reference:
    title: str
    href: str


@dataclass(frozen=True)
class Period:
    effective_from: dt.date
    effective_to: dt.date | None
    value: float | SizeTable
    note: str | None = None

    def covers(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


@dataclass(frozen=True)
class Parameter:
    key: str
    description: str
    unit: str
    references: tuple[Reference, ...]
    periods: tuple[Period, ...]

    def period_at(self, day: dt.date) -> Period:
        for period in self.periods:
            if period.covers(day):
                return period
        spans = ", ".join(f"{p.effective_from}..{p.effective_to or 'open'}" for p in self.periods)
        raise ParameterNotInForce(
            f"No value of parameter {self.key!r} is in force on {day.isoformat()} "
            f"(loaded periods: {spans}).",
            details={"parameter": self.key, "date": day.isoformat()},
        )

    def at(self, day: dt.date) -> float | SizeTable:
        return self.period_at(day).value

    @property
    def citation(self) -> str:
        return self.references[0].href if self.references else ""


@dataclass
class ParameterStore:
    """All parameters, loaded once; `snapshot(day)` answers "what is in force on that day"."""

    parameters: dict[str, Parameter] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Parameter:
        try:
            return self.parameters[key]
        except KeyError:
            raise KeyError(f"unknown parameter {key!r}") from None

    def at(self, key: str, day: dt.date) -> float | SizeTable:
        return self[key].at(day)

    def snapshot(self, day: dt.date) -> Snapshot:
        return _snapshot(self, day)

    def __hash__(self) -> int:  # stores are process singletons; identity hashing is enough
        return id(self)


@dataclass(frozen=True)
class Snapshot:
    """The parameters as of one date; lookups raise `ParameterNotInForce` lazily, per key."""

    store: ParameterStore
    day: dt.date
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __getitem__(self, key: str) -> Any:
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = self.store.at(key, self.day)
            return value

    def num(self, key: str) -> float:
        value = self[key]
        if isinstance(value, SizeTable):
            raise TypeError(f"parameter {key!r} is a household-size table, not a number")
        return float(value)

    def table(self, key: str) -> SizeTable:
        value = self[key]
        if not isinstance(value, SizeTable):
            raise TypeError(f"parameter {key!r} is a number, not a household-size table")
        return value

    def citation(self, key: str) -> str:
        return self.store[key].citation


@lru_cache(maxsize=256)
def _snapshot(store: ParameterStore, day: dt.date) -> Snapshot:
    return Snapshot(store, day)


def _as_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"{where}: bad date {value!r}") from exc


def _as_value(raw: Any, where: str) -> float | SizeTable:
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, Mapping):
        sizes = sorted(int(k) for k in raw if str(k) != "additional")
        if sizes != list(range(1, len(sizes) + 1)):
            raise ValueError(f"{where}: size table must list sizes 1..n, got {sizes}")
        return SizeTable(tuple(float(raw[s]) for s in sizes), float(raw.get("additional", 0.0)))
    raise ValueError(f"{where}: value must be a number or a size table, got {raw!r}")


def parse_parameter(key: str, spec: Mapping[str, Any]) -> Parameter:
    """Build one parameter from its YAML mapping, checking references and non-overlap."""
    refs = tuple(Reference(str(r["title"]), str(r["href"])) for r in spec.get("reference", []))
    if not refs:
        raise ValueError(f"{key}: every parameter needs at least one reference")
    periods = []
    for i, item in enumerate(spec["values"]):
        where = f"{key}.values[{i}]"
        start = _as_date(item["effective_from"], where)
        end = _as_date(item["effective_to"], where) if item.get("effective_to") else None
        if end is not None and end < start:
            raise ValueError(f"{where}: effective_to before effective_from")
        periods.append(Period(start, end, _as_value(item["value"], where), item.get("note")))
    periods.sort(key=lambda p: p.effective_from)
    for a, b in itertools.pairwise(periods):
        if a.effective_to is None or a.effective_to >= b.effective_from:
            raise ValueError(
                f"{key}: periods starting {a.effective_from} and {b.effective_from} overlap"
            )
    return Parameter(key, str(spec["description"]), str(spec["unit"]), refs, tuple(periods))


def load_parameters(directory: Path = PARAMETER_DIR) -> ParameterStore:
    store = ParameterStore()
    for path in sorted(directory.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, spec in doc.items():
            key = f"{path.stem}.{name}"
            store.parameters[key] = parse_parameter(key, spec)
    return store


@lru_cache(maxsize=1)
def default_store() -> ParameterStore:
    """The packaged parameters, loaded once per process."""
    return load_parameters()
