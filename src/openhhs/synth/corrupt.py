"""What an agency recorded about a person on a given day: the truth at that day, plus errors.

`record_view` is the one place recording errors are made, so every source gets the same kinds
of mistakes (typos, nicknames, swapped day/month, placeholder SSNs...) at its own rates.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, replace

from openhhs.synth import data
from openhhs.synth.population import Household, Person

PLACEHOLDER_DOB = dt.date(1900, 1, 1).toordinal()
PLACEHOLDER_SSNS = ("000000000", "999999999", "123456789", "111111111")

_KEYBOARD = {
    "A": "SQZ", "B": "VNG", "C": "XVD", "D": "SFE", "E": "WRD", "F": "DGR", "G": "FHT",
    "H": "GJY", "I": "UOK", "J": "HKU", "K": "JLI", "L": "KO", "M": "NJ", "N": "BMH",
    "O": "IPL", "P": "OL", "Q": "WA", "R": "ETF", "S": "ADW", "T": "RYG", "U": "YIJ",
    "V": "CBF", "W": "QES", "X": "ZCS", "Y": "TUH", "Z": "XA",
}  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """How carefully an agency records people (rates per record)."""

    ssn_missing: float = 0.05
    phone_missing: float = 0.15
    middle_missing: float = 0.3
    suffix_kept: float = 0.7
    typo: float = 0.04
    nickname: float = 0.05
    dob_missing: float = 0.005
    ascii_only: bool = True  # legacy upper-case ASCII systems lose Ñ and apostrophes
    spelled_out: float = 0.12  # "EAST 116TH STREET" instead of "E 116TH ST"
    collects_ssn: bool = True


@dataclass(frozen=True, slots=True)
class View:
    first: str
    middle: str
    last: str
    suffix: str
    dob: int | None
    sex: str  # "M", "F", "X" or "" (unknown)
    ssn: str  # 9 digits or ""
    phone: str  # 10 digits or ""
    street: str
    unit: str
    city: str
    state: str
    zip: str

    @property
    def dob_date(self) -> dt.date | None:
        return None if self.dob is None else dt.date.fromordinal(self.dob)


def ascii_upper(text: str) -> str:
    """What a legacy upper-case ASCII screen keeps of a name: no accents, no apostrophes."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.upper().replace("'", "").replace(".", "")


_SPELLED = {"ST": "STREET", "AVE": "AVENUE", "BLVD": "BOULEVARD", "RD": "ROAD", "PKWY": "PARKWAY",
            "HWY": "HIGHWAY", "LN": "LANE", "E": "EAST", "W": "WEST"}  # fmt: skip


def spelled_out(street: str) -> str:
    """The street as a clerk types it in full: `E 116TH ST` -> `EAST 116TH STREET`."""
    return " ".join(_SPELLED.get(word, word) for word in street.split(" "))


def typo(r: random.Random, text: str) -> str:
    """One keyboard slip: a neighbouring key, a dropped, doubled or transposed letter."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 3:
        return text
    i = letters[r.randrange(1, len(letters))]  # first letters are usually right
    op = r.randrange(4)
    c = text[i].upper()
    if op == 0 and c in _KEYBOARD:
        sub = r.choice(_KEYBOARD[c])
        return text[:i] + (sub if text[i].isupper() else sub.lower()) + text[i + 1 :]
    if op == 1:
        return text[:i] + text[i + 1 :]
    if op == 2:
        return text[:i] + text[i] + text[i:]
    if i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i + 1 :]


def surname_as_recorded(r: random.Random, last: str) -> str:
    """Compound surnames are written whole, first part only, hyphenated, or (rarely) second part."""
    if " " not in last or last.startswith(("DE ", "DEL ", "ST. ")):
        return last
    parts = last.split(" ")
    u = r.random()
    if u < 0.5:
        return last
    if u < 0.78:
        return parts[0]
    if u < 0.93:
        return "-".join(parts)
    return parts[-1]


def dob_as_recorded(r: random.Random, dob: int, missing: float) -> int | None:
    u = r.random()
    if u < missing:
        return None
    d = dt.date.fromordinal(dob)
    u = r.random()
    if u < 0.015 and d.day <= 12 and d.day != d.month:
        return dt.date(d.year, d.day, d.month).toordinal()  # day and month swapped
    if u < 0.025:
        for _ in range(3):  # one wrong digit in the day or the year's last digit
            try:
                if r.random() < 0.5:
                    day = (d.day // 10) * 10 + r.randrange(10)
                    return dt.date(d.year, d.month, day).toordinal() if day else None
                year = (d.year // 10) * 10 + r.randrange(10)
                wrong = dt.date(year, d.month, d.day).toordinal()
                return wrong if wrong <= dob + 3650 and year <= 2025 else dob
            except ValueError:
                continue
        return dob
    if u < 0.028:
        return PLACEHOLDER_DOB
    if u < 0.031:  # only the year was known: January 1st (common for refugees)
        return dt.date(d.year, 1, 1).toordinal()
    return dob


def ssn_as_recorded(r: random.Random, ssn: str, missing: float) -> str:
    if not ssn or r.random() < missing:
        return ""
    u = r.random()
    if u < 0.01:
        return r.choice(PLACEHOLDER_SSNS)
    if u < 0.02:
        i = r.randrange(8)  # two adjacent digits transposed
        return ssn[:i] + ssn[i + 1] + ssn[i] + ssn[i + 2 :]
    if u < 0.025:
        i = r.randrange(9)
        return ssn[:i] + str((int(ssn[i]) + r.randrange(1, 10)) % 10) + ssn[i + 1 :]
    return ssn


def record_view(
    r: random.Random, person: Person, household: Household, day: int, profile: Profile
) -> View:
    """The person as this agency wrote them down on `day`."""
    first, middle = person.first, person.middle
    last = person.last_at(day)
    suffix = person.suffix if r.random() < profile.suffix_kept else ""
    u = r.random()
    if u < profile.nickname:
        nicks = data.nicknames_of(first)
        if nicks:
            first = nicks[r.randrange(len(nicks))]
    elif u < profile.nickname + profile.typo:
        first = typo(r, first)
    last = surname_as_recorded(r, last)
    if r.random() < profile.typo:
        last = typo(r, last)
    if r.random() < profile.middle_missing:
        middle = ""
    # Given and family names swapped; much more often for names written family-name first.
    if r.random() < (0.03 if person.group in ("CHINESE", "KOREAN") else 0.005):
        first, last = last, first
    if profile.ascii_only:
        first, middle, last = ascii_upper(first), ascii_upper(middle), ascii_upper(last)
    sex = person.sex
    u = r.random()
    if u < 0.01:
        sex = ""
    elif u < 0.013:
        sex = "M" if sex == "F" else "F"
    elif person.gender == "non_binary" and u < 0.3:
        sex = "X"
    ssn = ssn_as_recorded(r, person.ssn, profile.ssn_missing) if profile.collects_ssn else ""
    phone = "" if r.random() < profile.phone_missing else person.phone_at(day)
    addr = household.address_at(day)
    street, unit, zip5 = addr.street, addr.unit, addr.zip
    u = r.random()
    if u < 0.02:
        street = typo(r, street)
    elif u < 0.1:
        unit = ""
    if r.random() < 0.01:
        zip5 = zip5[:4] + str((int(zip5[4]) + 1) % 10)
    if r.random() < profile.spelled_out:
        street = spelled_out(street)
    if unit:
        u = r.random()
        unit = f"APT {unit}" if u < 0.12 else (f"#{unit}" if u < 0.16 else unit)
    dob = dob_as_recorded(r, person.dob, profile.dob_missing)
    if dob is not None and dob > day:  # nobody writes down a birthday after the day they met
        dob = person.dob
    return View(
        first=first,
        middle=middle,
        last=last,
        suffix=suffix,
        dob=dob,
        sex=sex,
        ssn=ssn,
        phone=phone,
        street=street,
        unit=unit,
        city=addr.city,
        state="NY",
        zip=zip5,
    )


def corrected(view: View, person: Person, household: Household, day: int, profile: Profile) -> View:
    """The record after a caseworker fixed the name and DOB and updated the address."""
    addr = household.address_at(day)
    clean = ascii_upper if profile.ascii_only else (lambda text: text)
    return replace(
        view,
        first=clean(person.first),
        last=clean(person.last_at(day)),
        dob=person.dob,
        street=addr.street,
        unit=addr.unit,
        city=addr.city,
        zip=addr.zip,
    )
