"""What every agency source shares: person records, native tables, ids, workers, date formats."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from openhhs.synth import data
from openhhs.synth.corrupt import Profile, View, record_view
from openhhs.synth.population import City, Household, Person

Row = dict[str, Any]
COPY_RATE = 0.08  # share of records whose identity fields were copied from an earlier record


@dataclass(slots=True)
class PersonRecord:
    """One row of an agency's person file: who it really is, when it was written, what it says."""

    source: str
    key: str
    person: int
    day: int
    view: View
    extra: dict[str, Any] = field(default_factory=dict)
    deleted: bool = False


@dataclass
class SourceData:
    """An agency's records: the person file plus other files whose rows point at person keys."""

    source: str
    records: list[PersonRecord] = field(default_factory=list)
    rows: dict[str, list[Row]] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    """A file ready to write: relative path, format, header, rows (dicts for JSON, else lists)."""

    path: str
    source: str
    fmt: str  # "csv", "tsv", "pipe", "jsonl" or "hmis" (a CSV member of the DHS zip)
    key: str
    columns: tuple[str, ...]
    rows: list[Any]
    person_file: bool = False


@dataclass(frozen=True)
class Worker:
    name: str
    phone: str
    email: str
    office: str


class Ids:
    """Unique random identifiers per namespace, drawn from the context's random stream."""

    def __init__(self, r: random.Random) -> None:
        self.r = r
        self.seen: dict[str, set[str]] = {}

    def new(self, namespace: str, make: Callable[[random.Random], str]) -> str:
        seen = self.seen.setdefault(namespace, set())
        while True:
            value = make(self.r)
            if value not in seen:
                seen.add(value)
                return value

    def digits(self, namespace: str, n: int, prefix: str = "") -> str:
        return self.new(namespace, lambda r: prefix + f"{r.randrange(10**n):0{n}d}")


@dataclass
class Context:
    """The city plus the random stream and helpers the source builders share."""

    city: City
    r: random.Random
    as_of: int
    ids: Ids
    hmis_version: str = "2024"  # DHS export layout: "2024" or "2026"
    _workers: dict[tuple[str, str], list[Worker]] = field(default_factory=dict)
    _last_view: dict[int, View] = field(default_factory=dict)
    involved: dict[str, set[int]] = field(default_factory=dict)
    # Days of key events per agency and person (shelter entries, bookings), so later agencies can
    # place theirs around them: the cross-agency pathways analytics looks for.
    timeline: dict[str, dict[int, list[int]]] = field(default_factory=dict)

    def mark(self, agency: str, person: int, day: int) -> None:
        self.timeline.setdefault(agency, {}).setdefault(person, []).append(day)

    def days(self, agency: str, person: int) -> list[int]:
        return self.timeline.get(agency, {}).get(person, [])

    def household(self, person: Person) -> Household:
        return self.city.households[person.household]

    def view(self, person: Person, day: int, profile: Profile) -> View:
        """What this agency writes down; sometimes copied from another agency's referral."""
        view = record_view(self.r, person, self.household(person), day, profile)
        earlier = self._last_view.get(person.id)
        if earlier is not None and self.r.random() < COPY_RATE:
            # Filled in from a referral or a shared screen: the other agency's mistakes come too.
            ssn = earlier.ssn if profile.collects_ssn else ""
            dob = earlier.dob if earlier.dob is None or earlier.dob <= day else person.dob
            view = replace(view, first=earlier.first, middle=earlier.middle, last=earlier.last,
                           dob=dob, ssn=ssn)  # fmt: skip
        self._last_view[person.id] = view
        return view

    def day_between(self, lo: int, hi: int) -> int:
        return lo if hi <= lo else self.r.randrange(lo, hi)

    def worker(self, agency: str, office: str, domain: str, area: str = "212") -> Worker:
        """A caseworker of `office`; each office has a small stable pool."""
        pool = self._workers.get((agency, office))
        if pool is None:
            pool = []
            for _ in range(6):
                sex = self.r.choice("FM")
                group = self.r.choice(("HISPANIC", "BLACK", "WHITE", "CHINESE", "CARIBBEAN"))
                names = data.FEMALE if sex == "F" else data.MALE
                first = names[group][self.r.randrange(len(names[group]))]
                last = data.SURNAMES[group][self.r.randrange(len(data.SURNAMES[group]))]
                handle = (first[0] + last.replace(" ", "").replace("'", "")).lower()[:12]
                handle = handle.replace("-", "").replace(".", "")
                phone = f"{area}-{self.r.randrange(200, 999)}-{self.r.randrange(10000):04d}"
                pool.append(
                    Worker(f"{first.title()} {last.title()}", phone, f"{handle}@{domain}", office)
                )
            self._workers[(agency, office)] = pool
        return pool[self.r.randrange(len(pool))]


@cache
def iso(day: int | None) -> str:
    return "" if day is None else dt.date.fromordinal(day).isoformat()


@cache
def mdy(day: int | None) -> str:
    return "" if day is None else dt.date.fromordinal(day).strftime("%m/%d/%Y")


@cache
def mdy_nopad(day: int | None) -> str:
    if day is None:
        return ""
    d = dt.date.fromordinal(day)
    return f"{d.month}/{d.day}/{d.year}"


@cache
def ymd8(day: int | None) -> str:
    return "" if day is None else dt.date.fromordinal(day).strftime("%Y%m%d")


@cache
def mdy8(day: int | None) -> str:
    return "" if day is None else dt.date.fromordinal(day).strftime("%m%d%Y")


_MON = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


@cache
def dmon(day: int | None) -> str:
    if day is None:
        return ""
    d = dt.date.fromordinal(day)
    return f"{d.day:02d}-{_MON[d.month - 1]}-{d.year}"


def phone_dashes(p: str) -> str:
    return f"{p[:3]}-{p[3:6]}-{p[6:]}" if p else ""


def phone_parens(p: str, space: bool = True) -> str:
    return f"({p[:3]}){' ' if space else ''}{p[3:6]}-{p[6:]}" if p else ""


def ssn_dashes(s: str) -> str:
    return f"{s[:3]}-{s[3:5]}-{s[5:]}" if s else ""


def link_row(rec: PersonRecord, **override: str) -> Row:
    """The record in the PRODUCT.md §4 link-file schema (values as the agency wrote them)."""
    v = rec.view
    row: Row = {
        "source": rec.source,
        "record_id": rec.key,
        "first_name": v.first,
        "middle_name": v.middle,
        "last_name": v.last,
        "suffix": v.suffix,
        "dob": iso(v.dob),
        "sex": v.sex,
        "ssn": v.ssn,
        "phone": v.phone,
        "street": v.street,
        "unit": v.unit,
        "city": v.city,
        "state": v.state,
        "zip": v.zip,
        "_person": rec.person,
    }
    row.update(override)
    return row
