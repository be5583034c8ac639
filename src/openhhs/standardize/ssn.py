"""Social Security numbers: keep only numbers the SSA could have issued.

A placeholder SSN shared by hundreds of records would glue strangers together in linkage, so
invalid and placeholder values become None with a flag saying why (SSA rules: area 000, 666
and 900-999 are never issued, nor group 00 or serial 0000).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from openhhs.model.codes import MissingReason
from openhhs.standardize._text import as_text, missing_reason

# Numbers printed on sample cards, in advertising, or typed to get past a required field.
PLACEHOLDER_SSNS = frozenset(
    {
        "123456789",
        "012345678",
        "987654321",
        "078051120",  # the Woolworth wallet card
        "219099999",  # printed in a 1938 advertisement
        "457555462",  # published by a CEO in advertising
        "111223333",
        "123121234",
        "999999999",
        "000000000",
        "123456788",
    }
    | {str(d) * 9 for d in range(10)}
)
_DIGITS = re.compile(r"[^0-9]")
_SHAPE = re.compile(r"^\s*\d{3}[\s\-.]?\d{2}[\s\-.]?\d{4}\s*$", re.ASCII)


@dataclass(frozen=True, slots=True)
class StdSSN:
    value: str | None  # nine digits, only when it could be a real SSN
    last4: str | None = None  # kept for display and blocking when the full value is valid
    missing: MissingReason | None = None
    flags: tuple[str, ...] = ()

    @property
    def formatted(self) -> str | None:
        return f"{self.value[:3]}-{self.value[3:5]}-{self.value[5:]}" if self.value else None


def standardize_ssn(raw: Any) -> StdSSN:
    """Validate and normalize an SSN to nine digits; never raises."""
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw < 10**9:
        text = f"{raw:09d}"  # spreadsheets drop leading zeros
    else:
        text = as_text(raw).strip()
    if not text:
        return StdSSN(None, missing=MissingReason.NOT_COLLECTED, flags=("missing",))
    reason = missing_reason(text, codes=True)
    if reason is not None:
        return StdSSN(None, missing=reason, flags=("missing",))
    if len(text) > 40:
        return StdSSN(None, flags=("bad_format",))
    digits = _DIGITS.sub("", text)
    flags: list[str] = []
    if len(digits) == 4 and not _SHAPE.match(text):
        return StdSSN(None, last4=None if digits == "0000" else digits, flags=("last4_only",))
    if len(digits) == 8 and text.isascii() and text.isdigit():
        digits = "0" + digits  # a leading zero lost in a numeric column
        flags.append("zero_padded")
    elif len(digits) != 9 or (not _SHAPE.match(text) and not (text.isascii() and text.isdigit())):
        return StdSSN(None, flags=("bad_format",))
    if digits in PLACEHOLDER_SSNS or len(set(digits)) == 1:
        return StdSSN(None, flags=(*flags, "placeholder"))
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area == "000" or area == "666" or area[0] == "9":
        flags.append("invalid_area")
    if group == "00":
        flags.append("invalid_group")
    if serial == "0000":
        flags.append("invalid_serial")
    if any(f.startswith("invalid") for f in flags):
        return StdSSN(None, flags=tuple(flags))
    return StdSSN(digits, last4=serial, flags=tuple(flags))
