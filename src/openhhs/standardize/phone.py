"""Telephone numbers in E.164, the form the person tables and linkage compare."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import phonenumbers

from openhhs.model.codes import MissingReason
from openhhs.standardize._text import as_text, missing_reason

_PLACEHOLDER_NATIONAL = re.compile(r"^(\d)\1{9}$|^1234567890$|^\d{3}0000000$", re.ASCII)
_FICTIONAL = re.compile(r"^\d{3}55501\d\d$", re.ASCII)  # 555-0100..0199: reserved for fiction


@dataclass(frozen=True, slots=True)
class StdPhone:
    value: str | None  # E.164, e.g. +12125550143
    extension: str | None = None
    missing: MissingReason | None = None
    flags: tuple[str, ...] = ()


def standardize_phone(raw: Any, region: str = "US") -> StdPhone:
    """Parse a phone number (default region US) into E.164; never raises."""
    text = as_text(raw).strip()
    if not text:
        return StdPhone(None, missing=MissingReason.NOT_COLLECTED, flags=("missing",))
    reason = missing_reason(text)
    if reason is not None:
        return StdPhone(None, missing=reason, flags=("missing",))
    if len(text) > 64:
        return StdPhone(None, flags=("bad_format",))
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return StdPhone(None, flags=("bad_format",))
    flags: list[str] = []
    national = f"{number.national_number:010d}" if number.country_code == 1 else ""
    if number.country_code == 1 and _PLACEHOLDER_NATIONAL.match(national):
        return StdPhone(None, flags=("placeholder",))
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible == phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        return StdPhone(None, flags=("no_area_code",))
    if possible != phonenumbers.ValidationResult.IS_POSSIBLE:
        return StdPhone(None, flags=("impossible",))
    if not phonenumbers.is_valid_number(number):
        # Possible but not assigned by the numbering plan (e.g. exchange 123): kept, since it is
        # still what the person gave and compares fine between records, but flagged.
        flags.append("invalid")
    if number.country_code == 1 and _FICTIONAL.match(national):
        flags.append("fictional")
    if number.country_code != 1:
        flags.append("international")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return StdPhone(e164, extension=number.extension or None, flags=tuple(flags))
