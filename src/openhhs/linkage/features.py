"""Standardized comparison columns: the one definition batch linkage and online matching share.

`to_features` turns any person record (a link-file row, a stored `SourcePerson`, an API payload)
into flat string columns. The Splink settings compare exactly these columns and the CCI's online
scorer calls the same function, so a pair gets the same weight on either path. Pure: no I/O, no
clock, never raises on garbage (bad values become None and a flag).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from openhhs.linkage import _std

# Columns every feature row has, in this order (the Splink settings and the scorer rely on it).
FEATURE_COLUMNS: tuple[str, ...] = (
    "first_name",
    "first_name_canonical",
    "first_initial",
    "first_name_forms",
    "middle_initial",
    "last_name",
    "last_name_part1",
    "last_name_part2",
    "suffix",
    "dob",
    "dob_year",
    "dob_month",
    "dob_day",
    "ssn",
    "ssn_last4",
    "sex",
    "street",
    "unit",
    "street_unit",
    "zip5",
    "phone",
)
# Address parts, for data without households (`feature_frame(rows, address_parts=True)` adds
# them; `settings.build_settings(address_parts=True)` compares them one by one). Not in
# FEATURE_COLUMNS: agency models keep address and phone as one comparison (a shared home is
# one piece of evidence), and the CCI index stores FEATURE_COLUMNS only.
ADDRESS_PART_COLUMNS: tuple[str, ...] = ("house_number", "street_name", "city", "state")
# Fields that identify a person; a record with none of them never joins a cluster.
IDENTITY_COLUMNS: tuple[str, ...] = ("first_name", "last_name", "dob", "ssn")

MIN_DOB_YEAR = 1900


def _text(raw: Any) -> str:
    if raw is None or (isinstance(raw, float) and raw != raw):
        return ""
    try:
        return str(raw).strip()
    except Exception:  # a hostile __str__ must not crash linkage
        return ""


def _non_latin(raw: str) -> str | None:
    """Upper NFKC text for names ASCII folding would erase (李小龍, Иван): they must survive."""
    text = unicodedata.normalize("NFKC", raw).upper()
    kept = "".join(c if unicodedata.category(c)[0] in "LM" else " " for c in text)
    value = " ".join(kept.split())
    return value if any(unicodedata.category(c)[0] == "L" for c in value) else None


@lru_cache(maxsize=1)
def _nicknamer() -> Any:
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=65536)
def name_forms(first: str) -> tuple[str, ...]:
    """The given name and every formal name the `nicknames` table lists it under, sorted.

    Two records whose forms overlap are nickname forms of one name (POLLY and MARY, SADIE and
    SARAH, POLLY and MOLLY through MARY). `first_name_canonical` cannot say so: it is one-to-one
    and a nickname of several formal names keeps its own root. A list, so the comparison is one
    `list_has_any` in SQL that the online scorer reproduces.
    """
    try:
        formal = _nicknamer().canonicals_of(first.lower())
    except Exception:  # the table only knows Latin names; others are their own form
        formal = set()
    return tuple(sorted({first, *(f.upper() for f in formal)}))


def _given(raw: Any, flags: list[str], field: str) -> tuple[str | None, str | None]:
    """(value, canonical) of a given name."""
    text = _text(raw)
    if not text:
        return None, None
    std = _std.name(text)
    if std.value is None:
        value = _non_latin(text)
        if value is not None:
            flags.append(f"{field}:non_latin")
        return value, value
    return std.value, std.canonical or std.value


def _surname(raw: Any, flags: list[str]) -> tuple[str | None, tuple[str, ...], str | None]:
    """(value, parts, suffix written in the surname field)."""
    text = _text(raw)
    if not text:
        return None, (), None
    std = _std.name(text)
    if std.value is None:
        value = _non_latin(text)
        if value is not None:
            flags.append("last_name:non_latin")
        return value, tuple(value.split()) if value else (), None
    return std.value, std.parts or (std.value,), std.suffix


def _dob(raw: Any, flags: list[str], today: dt.date | None) -> dt.date | None:
    if raw is None or not _text(raw):
        return None
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    # a date object passes the same checks as text (placeholder, future, over 120 years)
    value, std_flags = _std.date(raw.isoformat() if isinstance(raw, dt.date) else _text(raw), today)
    if value is None:
        if "placeholder" in std_flags:
            flags.append("dob:placeholder")
        elif any(f.startswith(("future", "too_old", "implausible")) for f in std_flags):
            flags.append("dob:absurd")
        else:
            flags.append("dob:unparseable")
        return None
    if value.year < MIN_DOB_YEAR:
        flags.append("dob:absurd")
        return None
    return value


def to_features(record: Mapping[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """The comparison columns of one record (keys of the link-file schema, PRODUCT.md §4).

    Accepts `first_name, middle_name, last_name, suffix, dob, sex, ssn, phone, street, unit,
    zip` (and `zip5`); other keys are ignored. Values may be raw or already standardized:
    standardizing twice gives the same columns. `today` is when the records were written
    (default: now): a birth date after it, or more than 120 years before it, is absurd.
    """
    return features_and_flags(record, today=today)[0]


def features_and_flags(
    record: Mapping[str, Any], *, today: dt.date | None = None
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """`to_features` plus the problems found (`"dob:unparseable"`, `"ssn:placeholder"`...)."""
    flags: list[str] = []
    first, first_canonical = _given(record.get("first_name"), flags, "first_name")
    middle, _ = _given(record.get("middle_name"), flags, "middle_name")
    last, parts, name_suffix = _surname(record.get("last_name"), flags)
    suffix = _std.suffix(_text(record.get("suffix"))) or name_suffix

    dob = _dob(record.get("dob"), flags, today)

    ssn_text = _text(record.get("ssn"))
    ssn, last4, ssn_flags = _std.ssn(ssn_text) if ssn_text else (None, None, ())
    flags.extend(f"ssn:{f}" for f in ssn_flags)

    sex = _std.sex(_text(record.get("sex")))

    street_text = _text(record.get("street"))
    unit_text = _text(record.get("unit"))
    street, unit = _std.address(street_text, unit_text) if street_text else (None, None)
    if street is None and unit is None and unit_text:
        unit = _std.clean_unit(unit_text)
    zip_text = _text(record.get("zip") if record.get("zip") is not None else record.get("zip5"))
    zip5 = _std.zip5(zip_text)
    if zip_text and zip5 is None:
        flags.append("zip:invalid")

    phone_text = _text(record.get("phone"))
    phone = _std.phone(phone_text) if phone_text else None
    if phone_text and phone is None:
        flags.append("phone:invalid")

    features: dict[str, Any] = {
        "first_name": first,
        "first_name_canonical": first_canonical,
        "first_initial": first[0] if first else None,
        "first_name_forms": list(name_forms(first)) if first else None,
        "middle_initial": middle[0] if middle else None,
        "last_name": last,
        "last_name_part1": parts[0] if parts else None,
        "last_name_part2": parts[-1] if len(parts) > 1 else None,
        "suffix": suffix,
        "dob": dob.isoformat() if dob else None,
        "dob_year": f"{dob.year:04d}" if dob else None,
        "dob_month": f"{dob.month:02d}" if dob else None,
        "dob_day": f"{dob.day:02d}" if dob else None,
        "ssn": ssn,
        "ssn_last4": last4,
        "sex": sex,
        "street": street,
        "unit": unit,
        "street_unit": (f"{street} #{unit}" if unit else street) if street else None,
        "zip5": zip5,
        "phone": phone,
    }
    return features, tuple(flags)


def address_parts(record: Mapping[str, Any], features: Mapping[str, Any]) -> dict[str, Any]:
    """House number, street name, city and state of a record, each comparable on its own.

    The street name is the standardized street (`features["street"]`, USPS abbreviations)
    without its house number and spaces, so a space typed or lost ("PRIDHAMSTREET") costs one
    character, not a word; city and state are squeezed the same way.
    """
    street = features.get("street") or ""
    number, _, rest = street.partition(" ")
    has_number = bool(rest) and number[:1].isdigit()
    return {
        "house_number": number if has_number else None,
        "street_name": _std.squeezed(rest if has_number else street),
        "city": _std.squeezed(_text(record.get("city"))),
        "state": _std.squeezed(_text(record.get("state"))),
    }


def comparison_columns(columns: Iterable[str]) -> tuple[str, ...]:
    """The columns a model may compare in a table with these columns (FEATURE_COLUMNS first)."""
    present = set(columns)
    return FEATURE_COLUMNS + tuple(c for c in ADDRESS_PART_COLUMNS if c in present)


def has_identity(features: Mapping[str, Any]) -> bool:
    """True when the record names someone: a name, a date of birth or an SSN.

    Records without any (all empty, or only an address) are kept and reported but never linked:
    two empty records agreeing on nothing must not become one person.
    """
    return any(features.get(c) for c in IDENTITY_COLUMNS)


def source_person_record(person: Any) -> dict[str, Any]:
    """The `to_features` input for a stored `openhhs.model.person.SourcePerson`."""
    return {
        "first_name": person.first_name,
        "middle_name": person.middle_name,
        "last_name": person.last_name,
        "suffix": person.suffix,
        "dob": person.dob,
        "sex": getattr(person.sex, "value", person.sex),
        "ssn": person.ssn or person.ssn_last4,
        "phone": person.phone,
        "street": person.street,
        "unit": person.unit,
        "zip": person.zip5,
    }
