"""The true city: people in households, with addresses, phones and names that change over time.

Nothing here has errors; agencies' views (with errors) are made in `corrupt.py`. Days are proleptic
Gregorian ordinals (`date.toordinal()`), so histories are integer arithmetic.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from openhhs.synth import data

T = TypeVar("T")

START = dt.date(2019, 1, 1).toordinal()
AS_OF_1 = dt.date(2026, 6, 30).toordinal()
EXTRACT_STEP_DAYS = 90
YEAR = 365.25

# Household types and their shares.
SINGLE, ELDER, COUPLE, ELDER_COUPLE, FAMILY, SINGLE_PARENT, THREE_GEN, ROOMMATES, ADULT_CHILD = (
    range(9)
)
HH_SHARE = (0.19, 0.10, 0.13, 0.05, 0.22, 0.14, 0.07, 0.05, 0.05)

# Roles in the household (relation to the head).
HEAD, SPOUSE, PARTNER, CHILD, PARENT, UNRELATED, ADULT_SON = (
    "HEAD",
    "SPOUSE",
    "PARTNER",
    "CHILD",
    "PARENT",
    "UNRELATED",
    "ADULT_CHILD",
)


@dataclass(slots=True)
class Address:
    street: str
    unit: str
    city: str
    zip: str
    borough: str
    development: str = ""  # NYCHA development name when public housing


@dataclass(slots=True)
class Household:
    id: int
    kind: int
    group: str
    members: list[int]
    addresses: list[Address]
    move_days: list[int]  # addresses[i + 1] from move_days[i]
    poor: bool
    nycha: int  # index into data.NYCHA_DEVELOPMENTS, -1 when not public housing
    landline: str

    def address_at(self, day: int) -> Address:
        return self.addresses[bisect.bisect_right(self.move_days, day)]


@dataclass(slots=True)
class Person:
    id: int
    household: int
    role: str
    sex: str  # "F" / "M"
    dob: int
    group: str
    first: str
    middle: str
    last: str  # current legal surname
    suffix: str = ""
    maiden: str = ""  # surname before marriage, when it changed
    marriage_day: int = 0
    ssn: str = ""
    phone: str = ""
    phone_old: str = ""
    phone_change_day: int = 0
    language: str = "en"
    races: tuple[str, ...] = ()
    detail: str = ""  # SPD-15 detailed group, e.g. "Dominican"
    gender: str = ""  # gender identity; "" = cisgender answer matching sex
    veteran: bool = False
    hard: list[tuple[int, str]] = field(default_factory=list)

    @property
    def pid(self) -> str:
        return f"P{self.id + 1:08d}"

    def last_at(self, day: int) -> str:
        return self.maiden if self.maiden and day < self.marriage_day else self.last

    def phone_at(self, day: int) -> str:
        return self.phone_old if self.phone_old and day < self.phone_change_day else self.phone

    def age_at(self, day: int) -> float:
        return (day - self.dob) / YEAR


@dataclass
class City:
    people: list[Person]
    households: list[Household]
    hard_pairs: list[tuple[int, int, str]]

    @property
    def size(self) -> int:
        return len(self.people)


class FastRandom(random.Random):
    """`random.Random` with integer draws taken from `random()`: several times faster, still seeded.

    The stdlib's `randrange` spends most of its time in argument checks; at a million draws per
    100,000 people that is seconds. Only the shapes this package uses are supported.
    """

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            return int(self.random() * start)
        if step == 1:
            return start + int(self.random() * (stop - start))
        return start + step * int(self.random() * ((stop - start + step - 1) // step))

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]


def _weighted(items: tuple[str, ...], s: float = 0.9) -> tuple[tuple[str, ...], list[float]]:
    return items, list(np.cumsum(data.zipf_weights(len(items), s)))


class Names:
    """Cumulative-weight tables so `random.choices` draws realistic name frequencies."""

    def __init__(self) -> None:
        self.surname = {g: _weighted(v, 1.0) for g, v in data.SURNAMES.items()}
        self.female = {g: _weighted(v) for g, v in data.FEMALE.items()}
        self.male = {g: _weighted(v) for g, v in data.MALE.items()}

    def pick(self, r: random.Random, table: tuple[tuple[str, ...], list[float]]) -> str:
        items, cw = table
        return items[bisect.bisect(cw, r.random() * cw[-1])]

    def given(self, r: random.Random, group: str, sex: str) -> str:
        return self.pick(r, (self.female if sex == "F" else self.male)[group])

    def surname_for(self, r: random.Random, group: str) -> str:
        name = self.pick(r, self.surname[group])
        if group == "HISPANIC" and r.random() < 0.35:  # paternal + maternal surname
            second = self.pick(r, self.surname[group])
            if second != name:
                name = f"{name} {second}"
        return name

    def middle(self, r: random.Random, group: str, sex: str) -> str:
        rate = 0.3 if group in ("CHINESE", "BENGALI", "ARAB", "KOREAN") else 0.6
        return self.given(r, group, sex) if r.random() < rate else ""

    def middle_for(self, r: random.Random, group: str, sex: str, first: str) -> str:
        middle = self.middle(r, group, sex)
        return "" if middle == first else middle


def _new_address(r: random.Random, borough: str) -> Address:
    zips = data.nyc_zips()[borough]
    zip5, city = zips[r.randrange(len(zips))]
    streets = data.STREETS[borough]
    street = streets[r.randrange(len(streets))]
    number = r.randrange(1, 2400)
    if borough == "QUEENS" and street[0].isdigit() is False and r.random() < 0.4:
        house = f"{r.randrange(30, 250)}-{r.randrange(1, 99):02d}"  # Queens hyphenated numbers
    else:
        house = str(number)
    if r.random() < (0.35 if borough in ("STATEN ISLAND", "QUEENS") else 0.08):
        unit = ""
    else:
        unit = (
            f"{r.randrange(1, 20)}{r.choice('ABCDEFGH')}"
            if r.random() < 0.7
            else str(r.randrange(1, 60))
        )
    return Address(f"{house} {street}", unit, city, zip5, borough)


def _nycha_address(r: random.Random, dev: int) -> Address:
    name, street, borough, zip5 = data.NYCHA_DEVELOPMENTS[dev]
    city = "NEW YORK" if borough == "MANHATTAN" else borough
    if borough == "QUEENS":
        city = (
            "LONG ISLAND CITY" if zip5 == "11101" else "ASTORIA" if zip5 == "11106" else "JAMAICA"
        )
    unit = f"{r.randrange(1, 21)}{r.choice('ABCDEFGH')}"
    return Address(street, unit, city, zip5, borough, development=name)


def _phone(r: random.Random) -> str:
    return (
        f"{r.choice(data.AREA_CODES)}{r.randrange(2, 10)}{r.randrange(0, 100):02d}"
        f"{r.randrange(0, 10000):04d}"
    )


def _ssns(rng: np.random.Generator, n: int) -> list[str]:
    """Unique, structurally valid SSNs (area 001-899 but not 666, group 01-99, serial 0001-9999)."""
    area = rng.integers(1, 900, size=n * 2)
    group = rng.integers(1, 100, size=n * 2)
    serial = rng.integers(1, 10000, size=n * 2)
    values = area * 1_000_000 + group * 10_000 + serial
    _, first = np.unique(values, return_index=True)
    keep = np.zeros(values.shape, dtype=bool)
    keep[first] = True
    order = np.flatnonzero(keep & (area != 666))[:n]
    return [f"{v:09d}" for v in values[order].tolist()]


def build_city(people: int, seed: int) -> City:
    """Draw households until `people` persons exist, then plant the hard non-matches."""
    r = FastRandom(seed)
    rng = np.random.default_rng([seed, 1])
    names = Names()
    persons: list[Person] = []
    households: list[Household] = []
    hard: list[tuple[int, int, str]] = []
    group_cw = list(np.cumsum(data.GROUP_SHARE))
    boroughs = tuple(data.BOROUGH_SHARE)
    borough_cw = list(np.cumsum(list(data.BOROUGH_SHARE.values())))
    kinds = list(range(9))
    kind_cw = list(np.cumsum(HH_SHARE))

    def add(hh: int, role: str, sex: str, age: float, group: str, last: str) -> Person:
        dob = AS_OF_1 - int(age * YEAR) - r.randrange(0, 365)
        first = names.given(r, group, sex)
        p = Person(
            id=len(persons),
            household=hh,
            role=role,
            sex=sex,
            dob=dob,
            group=group,
            first=first,
            middle=names.middle_for(r, group, sex, first),
            last=last,
        )
        persons.append(p)
        return p

    while len(persons) < people:
        hid = len(households)
        kind = kinds[bisect.bisect(kind_cw, r.random() * kind_cw[-1])]
        group = data.GROUPS[bisect.bisect(group_cw, r.random() * group_cw[-1])]
        borough = boroughs[bisect.bisect(borough_cw, r.random() * borough_cw[-1])]
        members = _members(r, names, add, hard, hid, kind, group)

        poor_rate = {SINGLE_PARENT: 0.55, ELDER: 0.4, THREE_GEN: 0.4, FAMILY: 0.28}.get(kind, 0.22)
        poor = r.random() < poor_rate
        nycha = -1
        if r.random() < (0.22 if poor else 0.03):
            nycha = r.randrange(len(data.NYCHA_DEVELOPMENTS))
        moves = r.choices((0, 1, 2), weights=(55, 30, 15))[0]
        move_days = sorted(r.randrange(START + 30, AS_OF_1) for _ in range(moves))
        if r.random() < 0.2:  # a move after the first extract, seen by later extracts
            move_days.append(AS_OF_1 + r.randrange(1, 730))
        addresses = []
        for i in range(len(move_days) + 1):
            b = borough if i == 0 or r.random() < 0.7 else r.choice(boroughs)
            addresses.append(_new_address(r, b))
        if nycha >= 0:  # the current (last pre-extract) address is the NYCHA apartment
            current = bisect.bisect_right(move_days, AS_OF_1)
            addresses[current] = _nycha_address(r, nycha)
        households.append(
            Household(
                id=hid,
                kind=kind,
                group=group,
                members=[m.id for m in members],
                addresses=addresses,
                move_days=move_days,
                poor=poor,
                nycha=nycha,
                landline=_phone(r) if r.random() < 0.3 else "",
            )
        )

    del persons[people:]
    for hh in households:
        hh.members = [m for m in hh.members if m < people]
    households = [hh for hh in households if hh.members]
    hard = [h for h in hard if h[0] < people and h[1] < people]
    hard += _same_name_same_birthday(r, persons, households, names)
    _identities(r, rng, persons, households)
    return City(people=persons, households=households, hard_pairs=hard)


def _members(
    r: random.Random,
    names: Names,
    add: Callable[[int, str, str, float, str, str], Person],
    hard: list[tuple[int, int, str]],
    hid: int,
    kind: int,
    group: str,
) -> list[Person]:
    """The people of one household of `kind`, with names, ages and family ties."""
    surname = names.surname_for(r, group)
    members: list[Person] = []

    def adult(role: str, sex: str, lo: float, hi: float, last: str = surname) -> Person:
        p = add(hid, role, sex, r.uniform(lo, hi), group, last)
        members.append(p)
        return p

    def couple(lo: float, hi: float) -> tuple[Person, Person]:
        head_sex = "M" if r.random() < 0.7 else "F"
        head = adult(HEAD, head_sex, lo, hi)
        other = "F" if head_sex == "M" else "M"
        if r.random() < 0.04:
            other = head_sex
        age = max(18.0, head.age_at(AS_OF_1) + r.uniform(-6, 4))
        married = r.random() < 0.7
        spouse = adult(SPOUSE if married else PARTNER, other, age, age + 0.01)
        if not married:
            spouse.last = names.surname_for(r, group)
        else:
            _marry(r, names, head, spouse, group)
        return head, spouse

    def kids(parent: Person, count: int, other: Person | None = None) -> list[Person]:
        out = []
        max_age = min(17.9, parent.age_at(AS_OF_1) - 18)
        for _ in range(count):
            if max_age < 0:
                break
            last = parent.last if parent.sex == "M" or other is None else other.last
            if other is not None and group == "HISPANIC" and r.random() < 0.5:
                father, mother = (parent, other) if parent.sex == "M" else (other, parent)
                mother_first = (mother.maiden or mother.last).split(" ")[0]
                father_first = father.last.split(" ")[0]
                if mother_first != father_first:
                    last = f"{father_first} {mother_first}"
            sex = r.choice("FM")
            out.append(adult(CHILD, sex, 0, max_age, last))
        if len(out) >= 2 and r.random() < 0.05:  # twins: same birthday, same surname
            out[1].dob = out[0].dob
            hard.append((out[0].id, out[1].id, "twins"))
        return out

    if kind == SINGLE:
        adult(HEAD, r.choice("FM"), 18, 64)
    elif kind == ELDER:
        adult(HEAD, "F" if r.random() < 0.65 else "M", 65, 96)
    elif kind == COUPLE:
        couple(21, 64)
    elif kind == ELDER_COUPLE:
        couple(65, 92)
    elif kind == FAMILY:
        head, spouse = couple(22, 55)
        children = kids(head, r.choice((1, 1, 2, 2, 2, 3, 3, 4)), spouse)
        _maybe_junior(r, head, children, 0.06, hard)
    elif kind == SINGLE_PARENT:
        head = adult(HEAD, "F" if r.random() < 0.85 else "M", 19, 55)
        kids(head, r.choice((1, 1, 2, 2, 3, 4)))
    elif kind == THREE_GEN:
        head = adult(HEAD, r.choice("FM"), 25, 55)
        children = kids(head, r.choice((1, 2, 3)))
        age = head.age_at(AS_OF_1) + r.uniform(20, 32)
        adult(PARENT, "F" if r.random() < 0.7 else "M", min(age, 95), min(age, 95) + 0.01)
        _maybe_junior(r, head, children, 0.06, hard)
    elif kind == ROOMMATES:
        adult(HEAD, r.choice("FM"), 20, 45)
        for _ in range(r.choice((1, 1, 2))):
            adult(UNRELATED, r.choice("FM"), 20, 45, names.surname_for(r, group))
    else:  # ADULT_CHILD: a parent with a grown son or daughter at home
        head = adult(HEAD, "M" if r.random() < 0.6 else "F", 45, 78)
        age = max(18.0, head.age_at(AS_OF_1) - r.uniform(20, 36))
        child = adult(ADULT_SON, r.choice("FM"), age, age + 0.01)
        _maybe_junior(r, head, [child], 0.3, hard)

    return members


def _marry(r: random.Random, names: Names, head: Person, spouse: Person, group: str) -> None:
    """The wife often takes the husband's name; the marriage day decides which records show it."""
    wife, husband = (spouse, head) if spouse.sex == "F" else (head, spouse)
    if wife.sex != "F" or husband.sex != "M":
        return
    youngest = max(wife.dob, husband.dob)
    earliest = youngest + int(20 * YEAR)
    if earliest >= AS_OF_1:
        return
    wife.marriage_day = r.randrange(earliest, AS_OF_1)
    own = names.surname_for(r, group)
    take = 0.3 if group == "HISPANIC" else 0.75
    u = r.random()
    if own == husband.last:
        wife.last = own
    elif u < take:
        wife.maiden, wife.last = own, husband.last
    elif u < take + 0.1:
        wife.maiden, wife.last = own, f"{own.split(' ')[0]}-{husband.last.split(' ')[0]}"
    else:
        wife.last = own


def _maybe_junior(
    r: random.Random, father: Person, sons: list[Person], rate: float, hard: list
) -> None:
    if father.sex != "M" or r.random() >= rate:
        return
    for son in sons:
        if son.last == father.last:
            son.sex, son.first, son.middle, son.suffix = "M", father.first, father.middle, "JR"
            father.suffix = "SR"
            hard.append((father.id, son.id, "junior_senior"))
            return


def _same_name_same_birthday(
    r: random.Random, persons: list[Person], households: list[Household], names: Names
) -> list[tuple[int, int, str]]:
    """Unrelated adults living alone who share a common name and a birthday.

    Drawn from low-income households, so that agencies (mostly HRA) hold records of both.
    """
    singles: dict[tuple[str, str], list[Person]] = {}
    for hh in households:
        if hh.kind in (SINGLE, ELDER) and len(hh.members) == 1 and hh.poor:
            p = persons[hh.members[0]]
            singles.setdefault((p.group, p.sex), []).append(p)
    pairs: list[tuple[int, int, str]] = []
    wanted = max(1, len(persons) // 500)
    keys = sorted(singles)
    for _ in range(wanted * 3):
        if len(pairs) >= wanted or not keys:
            break
        pool = singles[keys[r.randrange(len(keys))]]
        if len(pool) < 2:
            continue
        a = pool.pop(r.randrange(len(pool)))
        b = pool.pop(r.randrange(len(pool)))
        group, sex = a.group, a.sex
        first = (data.FEMALE if sex == "F" else data.MALE)[group][r.randrange(3)]
        last = data.SURNAMES[group][r.randrange(3)]
        for p in (a, b):
            p.first, p.last, p.maiden, p.suffix = first, last, "", ""
        b.dob = a.dob
        if a.middle == b.middle:
            b.middle = ""
        pairs.append((a.id, b.id, "same_name_same_dob"))
    return pairs


def _identities(
    r: random.Random, rng: np.random.Generator, persons: list[Person], households: list[Household]
) -> None:
    """SSNs, phones, languages, SPD-15 answers, veteran status."""
    ssns = _ssns(rng, len(persons))
    for p, ssn in zip(persons, ssns, strict=True):
        age = p.age_at(AS_OF_1)
        no_ssn = 0.25 if age < 1 else 0.06
        p.ssn = "" if r.random() < no_ssn else ssn
        if age >= 13:
            p.phone = _phone(r)
            if r.random() < 0.25:
                p.phone_old, p.phone_change_day = _phone(r), r.randrange(START, AS_OF_1)
        lang, share = data.GROUP_LANGUAGE[p.group]
        p.language = lang if r.random() < share and age > 5 else "en"
        races = data.GROUP_RACE[p.group]
        p.races = (races[0],) if len(races) == 1 or r.random() < 0.75 else races[:2]
        details = data.GROUP_DETAIL[p.group]
        p.detail = details[int(len(details) * r.random() ** 1.6)]  # skewed to the first
        if age >= 16 and r.random() < 0.012:
            p.gender = r.choice(("non_binary", "transgender", "questioning"))
        p.veteran = p.sex == "M" and age > 40 and r.random() < 0.05
    for hh in households:  # children under 13 are reached on a parent's phone
        phones = [persons[m].phone for m in hh.members if persons[m].phone] or [hh.landline]
        for m in hh.members:
            if not persons[m].phone:
                persons[m].phone = phones[0]
