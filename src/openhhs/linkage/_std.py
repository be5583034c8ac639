"""Thin adapters from linkage features to `openhhs.standardize`.

Linkage needs plain values (a string or None); the standardizers return frozen results with
flags. Keeping the translation here means `features.py` reads as the list of comparison columns
and a change in a standardizer's result shape is fixed in one place.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from openhhs.standardize import (
    StdName,
    map_sex,
    standardize_address,
    standardize_date,
    standardize_name,
    standardize_phone,
    standardize_ssn,
    standardize_zip,
)

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


@lru_cache(maxsize=100_000)
def date(text: str, as_of: dt.date | None = None) -> tuple[dt.date | None, tuple[str, ...]]:
    """A birth date (ISO per the link-file contract, or any layout standardize_date reads).

    `as_of` is when the records were written (default today): it decides "future" and
    "older than 120 years".
    """
    std = standardize_date(text, as_of=as_of)
    return std.value, std.flags


# --- SSN ---------------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def ssn(text: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(nine digits when valid, last four, flags); placeholders and invalid numbers are None."""
    std = standardize_ssn(text)
    return std.value, std.last4, tuple(f for f in std.flags if f != "missing")


# --- sex ---------------------------------------------------------------------------------------


def sex(text: str) -> str | None:
    return map_sex(text).value if text else None


# --- address -----------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def address(street_text: str, unit_text: str) -> tuple[str | None, str | None]:
    """(street line after USPS Pub 28 normalization, unit id without its designator)."""
    std = standardize_address(street=street_text, unit=unit_text or None)
    return std.street, clean_unit(std.unit_id or "") if std.unit_id else None


def clean_unit(text: str) -> str | None:
    """Unit id comparable across agencies: "APT 4-B", "#4B" and "4b" are all 4B."""
    from openhhs.standardize._text import fold

    value = re.sub(r"^(APT|APARTMENT|UNIT|STE|SUITE|FL|RM|#|NO)\b\.?", "", fold(text).strip())
    value = re.sub(r"[^A-Z0-9]", "", value)
    return value or None


def squeezed(text: str) -> str | None:
    """Upper ASCII letters and digits only: "BROWN HILL", "brownhill" and "Brown-Hill" agree."""
    from openhhs.standardize._text import fold

    value = "".join(c for c in fold(text) if c.isalnum())
    return value or None


def zip5(text: str) -> str | None:
    return standardize_zip(text)[0] if text else None


# --- phone -------------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def phone(text: str) -> str | None:
    """E.164 (+12125551234) for a valid number, else None; US is the default region."""
    return standardize_phone(text).value
