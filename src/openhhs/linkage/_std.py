"""Thin adapters from linkage features to `openhhs.standardize`.

Linkage needs plain values (a string or None); the standardizers return frozen results with
flags. Keeping the translation here means `features.py` reads as the list of comparison columns
and a change in a standardizer's result shape is fixed in one place.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from openhhs.standardize.names import StdName, standardize_name

_DIGITS = re.compile(r"\D")


@lru_cache(maxsize=200_000)
def name(text: str) -> StdName:
    return standardize_name(text)


def suffix(text: str) -> str | None:
    if not text:
        return None
    from openhhs.standardize.names import SUFFIXES

    key = re.sub(r"[^A-Z0-9]", "", text.upper())
    return SUFFIXES.get(key)


# --- dates -------------------------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%m/%d/%Y", "%Y/%m/%d", "%m-%d-%Y", "%d.%m.%Y")
_PLACEHOLDER_DATES = frozenset(
    {dt.date(1900, 1, 1), dt.date(1901, 1, 1), dt.date(1800, 1, 1), dt.date(9999, 12, 31)}
)


@lru_cache(maxsize=100_000)
def date(text: str) -> dt.date | None:
    """A date from ISO (the link-file contract) or a few common agency layouts; None if garbage."""
    std = _standardize("standardize_date")
    if std is not None:
        try:
            value = getattr(std(text), "value", None)
        except Exception:
            value = None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
    head = text.strip()[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", text.strip()) else text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    return None


def is_placeholder_date(value: dt.date) -> bool:
    return value in _PLACEHOLDER_DATES


# --- SSN ---------------------------------------------------------------------------------------

_PLACEHOLDER_SSNS = frozenset(
    {"123456789", "987654321", "078051120", "219099999", "012345678", "111223333"}
)


@lru_cache(maxsize=200_000)
def ssn(text: str) -> tuple[str | None, tuple[str, ...]]:
    """(nine digits when the SSN is valid, flags); placeholders and invalid numbers are None."""
    digits = _DIGITS.sub("", text)
    if not digits:
        return None, ("missing",)
    if len(digits) != 9:
        return None, ("wrong_length",)
    if digits in _PLACEHOLDER_SSNS or len(set(digits)) == 1:
        return None, ("placeholder",)
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area.startswith("9") or group == "00" or serial == "0000":
        return None, ("invalid",)
    return digits, ()


# --- sex ---------------------------------------------------------------------------------------

_SEX = {
    "F": "F",
    "FEMALE": "F",
    "W": "F",
    "WOMAN": "F",
    "M": "M",
    "MALE": "M",
    "MAN": "M",
    "X": "X",
}


def sex(text: str) -> str | None:
    return _SEX.get(text.strip().upper()) if text else None


# --- address -----------------------------------------------------------------------------------

_STREET_WORDS = {
    "STREET": "ST",
    "STR": "ST",
    "AVENUE": "AVE",
    "AV": "AVE",
    "AVN": "AVE",
    "BOULEVARD": "BLVD",
    "BOUL": "BLVD",
    "ROAD": "RD",
    "DRIVE": "DR",
    "PLACE": "PL",
    "LANE": "LN",
    "COURT": "CT",
    "TERRACE": "TER",
    "PARKWAY": "PKWY",
    "HIGHWAY": "HWY",
    "EXPRESSWAY": "EXPY",
    "SQUARE": "SQ",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "FIRST": "1ST",
    "SECOND": "2ND",
    "THIRD": "3RD",
    "FOURTH": "4TH",
    "FIFTH": "5TH",
}
_UNIT_WORDS = re.compile(r"^(APT|APARTMENT|UNIT|STE|SUITE|FL|FLOOR|RM|ROOM|#|NO)\.?\s*", re.I)
_UNIT_IN_STREET = re.compile(r"\s+(?:APT|APARTMENT|UNIT|STE|SUITE|#)\.?\s*([A-Z0-9-]+)\s*$")
_ORDINAL = re.compile(r"\b(\d+)(ST|ND|RD|TH)\b")


def clean_unit(text: str) -> str | None:
    from openhhs.standardize._text import fold

    value = _UNIT_WORDS.sub("", fold(text)).replace("#", "").strip()
    value = re.sub(r"[^A-Z0-9-]", "", value)
    return value or None


@lru_cache(maxsize=200_000)
def address(street_text: str, unit_text: str) -> tuple[str | None, str | None]:
    """(street line normalized after USPS Pub 28 abbreviations, unit) without city or ZIP."""
    from openhhs.standardize._text import fold

    text = fold(street_text).replace(".", "").replace(",", " ")
    unit = clean_unit(unit_text) if unit_text else None
    found = _UNIT_IN_STREET.search(text)
    if found:
        unit = unit or found.group(1)
        text = text[: found.start()]
    words = [_STREET_WORDS.get(w, w) for w in re.sub(r"[^A-Z0-9# -]", " ", text).split()]
    street = _ORDINAL.sub(r"\1", " ".join(words)).strip()
    return (street or None), unit


def zip5(text: str) -> str | None:
    digits = _DIGITS.sub("", text.split("-")[0]) if text else ""
    return digits[:5] if len(digits) >= 5 and digits[:5] != "00000" else None


# --- phone -------------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def phone(text: str) -> str | None:
    """E.164 (+12125551234) for a valid number, else None; US is the default region."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    digits = str(parsed.national_number)
    if len(set(digits)) == 1 or digits.endswith("5550100"):  # 000-000-0000 and friends
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _standardize(name: str) -> Any:
    """A function of `openhhs.standardize` when that module provides it (else None)."""
    try:
        import openhhs.standardize as std
    except ImportError:  # pragma: no cover - the package always exists
        return None
    return getattr(std, name, None)
