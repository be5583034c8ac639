"""Dates (mostly dates of birth) from the many ways agencies write them.

A wrong birth date silently splits or merges people, so anything doubtful is flagged and
anything impossible (future, older than 120 years, a known placeholder) becomes None.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from openhhs.model.codes import MissingReason
from openhhs.standardize._text import as_text, missing_reason

MAX_AGE_YEARS = 120
# Dates systems write when the real one is unknown; they carry no information.
PLACEHOLDER_DATES = frozenset(
    {
        dt.date(1900, 1, 1),
        dt.date(1899, 12, 31),
        dt.date(1800, 1, 1),
        dt.date(1901, 1, 1),
        dt.date(1111, 11, 11),
        dt.date(1, 1, 1),
        dt.date(9999, 12, 31),
        dt.date(1753, 1, 1),  # SQL Server datetime minimum
        dt.date(1970, 1, 1),  # Unix epoch zero
    }
)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    )
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$", re.ASCII)
_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$", re.ASCII)
_US = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})(?: .*)?$", re.ASCII)
_DIGITS8 = re.compile(r"^\d{8}$", re.ASCII)
_DIGITS6 = re.compile(r"^\d{6}$", re.ASCII)
_DMONY = re.compile(r"^(\d{1,2})[ \-/]?([A-Z]{3})[A-Z]*[ \-/,]*(\d{2}|\d{4})$", re.ASCII)
_MONDY = re.compile(r"^([A-Z]{3})[A-Z]*\.? (\d{1,2}),? (\d{2}|\d{4})$", re.ASCII)


@dataclass(frozen=True, slots=True)
class StdDate:
    value: dt.date | None
    missing: MissingReason | None = None
    flags: tuple[str, ...] = ()

    @property
    def iso(self) -> str | None:
        return self.value.isoformat() if self.value else None


def _century(yy: int, as_of: dt.date, month: int, day: int) -> int:
    """The 4-digit year for a 2-digit one: the latest century that is not after `as_of`."""
    year = (as_of.year // 100) * 100 + yy
    try:
        if dt.date(year, month, day) > as_of:
            year -= 100
    except ValueError:
        if year > as_of.year:
            year -= 100
    return year


def _parse(text: str, fmt: str | None, as_of: dt.date, flags: list[str]) -> dt.date | None:
    if fmt:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            flags.append("format_mismatch")
            # fall through to the known layouts: the hint was wrong for this row
    upper = text.upper()
    if m := _ISO.match(text) or _YMD_SLASH.match(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _US.match(text):
        mo, d = int(m[1]), int(m[2])
        if mo > 12 and d <= 12:  # 25/12/1980: day first
            mo, d = d, mo
            flags.append("day_month_swapped")
        if len(m[3]) == 2:
            flags.append("two_digit_year")
            y = _century(int(m[3]), as_of, mo, d)
        else:
            y = int(m[3])
    elif _DIGITS8.match(text):
        head = int(text[:4])
        if 1000 <= head <= 9999 and int(text[4:6]) <= 12:
            y, mo, d = head, int(text[4:6]), int(text[6:8])
        else:  # MMDDYYYY, or DDMMYYYY when the month cannot be one
            mo, d, y = int(text[:2]), int(text[2:4]), int(text[4:])
            if mo > 12 and d <= 12:
                mo, d = d, mo
                flags.append("day_month_swapped")
    elif _DIGITS6.match(text):  # MMDDYY
        mo, d = int(text[:2]), int(text[2:4])
        flags.append("two_digit_year")
        y = _century(int(text[4:]), as_of, mo, d)
    elif (m := _DMONY.match(upper)) and m[2] in _MONTHS:
        d, mo = int(m[1]), _MONTHS[m[2]]
        y = int(m[3]) if len(m[3]) == 4 else _century(int(m[3]), as_of, mo, d)
        if len(m[3]) == 2:
            flags.append("two_digit_year")
    elif (m := _MONDY.match(upper)) and m[1] in _MONTHS:
        mo, d = _MONTHS[m[1]], int(m[2])
        y = int(m[3]) if len(m[3]) == 4 else _century(int(m[3]), as_of, mo, d)
        if len(m[3]) == 2:
            flags.append("two_digit_year")
    else:
        flags.append("unparseable")
        return None
    try:
        return dt.date(y, mo, d)
    except ValueError:
        flags.append("impossible_date")
        return None


def standardize_date(
    raw: Any,
    *,
    fmt: str | None = None,
    as_of: dt.date | None = None,
    birth: bool = True,
) -> StdDate:
    """Parse a date written as ISO, MM/DD/YYYY, YYYYMMDD, 2-digit years, 05-JAN-1980...

    `fmt` is a `strptime` hint for a source that writes dates its own way (tried first).
    `as_of` anchors the 2-digit-year pivot and the future/too-old checks (default: today).
    With `birth=False` (service dates) only placeholders and impossible dates are rejected.
    """
    as_of = as_of or dt.date.today()
    flags: list[str] = []
    if isinstance(raw, dt.datetime):
        value: dt.date | None = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    else:
        text = as_text(raw).strip()
        if not text:
            return StdDate(None, MissingReason.NOT_COLLECTED, ("missing",))
        reason = missing_reason(text)
        if reason is not None:
            return StdDate(None, reason, ("missing",))
        if len(text) > 64:
            return StdDate(None, None, ("unparseable",))
        value = _parse(text, fmt, as_of, flags)
    if value is None:
        return StdDate(None, None, tuple(flags))
    if value in PLACEHOLDER_DATES:
        return StdDate(None, None, (*flags, "placeholder"))
    if birth:
        if value > as_of:
            return StdDate(None, None, (*flags, "future"))
        try:
            oldest = as_of.replace(year=as_of.year - MAX_AGE_YEARS)
        except ValueError:  # 29 February (or an as_of before year 121)
            oldest = dt.date(max(1, as_of.year - MAX_AGE_YEARS), as_of.month, 28)
        if value < oldest:
            return StdDate(None, None, (*flags, "too_old"))
    if value.month == 1 and value.day == 1:
        flags.append("jan1")  # often "only the year was known"
    return StdDate(value, None, tuple(flags))
