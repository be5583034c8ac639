"""Text helpers shared by the standardizers: ASCII folding and missing-reason recognition."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from openhhs.model.codes import MissingReason

# Letters that NFKD does not decompose into a base letter plus a combining mark.
_SPECIAL = str.maketrans(
    {
        "ß": "SS",
        "ẞ": "SS",
        "Æ": "AE",
        "æ": "AE",
        "Œ": "OE",
        "œ": "OE",
        "Ø": "O",
        "ø": "O",
        "Đ": "D",
        "đ": "D",
        "Ł": "L",
        "ł": "L",
        "Þ": "TH",
        "þ": "TH",
        "ı": "I",
        "‘": "'",
        "’": "'",
        "`": "'",
        "´": "'",
        "–": "-",
        "—": "-",
        "‐": "-",
    }
)
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Words agencies write instead of a value; HMIS 8/9/99 semantics.
_MISSING_WORDS: dict[str, MissingReason] = {
    "DONT KNOW": MissingReason.DONT_KNOW,
    "DON'T KNOW": MissingReason.DONT_KNOW,
    "DOESNT KNOW": MissingReason.DONT_KNOW,
    "CLIENT DOESNT KNOW": MissingReason.DONT_KNOW,
    "UNKNOWN": MissingReason.DONT_KNOW,
    "UNK": MissingReason.DONT_KNOW,
    "UNKN": MissingReason.DONT_KNOW,
    "DK": MissingReason.DONT_KNOW,
    "REFUSED": MissingReason.REFUSED,
    "DECLINED": MissingReason.REFUSED,
    "DECLINED TO ANSWER": MissingReason.REFUSED,
    "PREFERS NOT TO ANSWER": MissingReason.REFUSED,
    "PREFER NOT TO ANSWER": MissingReason.REFUSED,
    "PREFER NOT TO SAY": MissingReason.REFUSED,
    "CLIENT REFUSED": MissingReason.REFUSED,
    "CLIENT PREFERS NOT TO ANSWER": MissingReason.REFUSED,
    "NOT COLLECTED": MissingReason.NOT_COLLECTED,
    "DATA NOT COLLECTED": MissingReason.NOT_COLLECTED,
    "NOT ASKED": MissingReason.NOT_COLLECTED,
    "N/A": MissingReason.NOT_COLLECTED,
    "NA": MissingReason.NOT_COLLECTED,
    "NONE": MissingReason.NOT_COLLECTED,
    "NULL": MissingReason.NOT_COLLECTED,
}
# HMIS numeric missing codes; only trusted for coded fields, never for names or dates.
_MISSING_CODES: dict[str, MissingReason] = {
    "8": MissingReason.DONT_KNOW,
    "9": MissingReason.REFUSED,
    "99": MissingReason.NOT_COLLECTED,
}


# No real name, date, number or address is longer; a 10 MB field is cut before any work is
# done on it, so garbage costs microseconds, not seconds.
MAX_INPUT = 2000


def as_text(raw: Any) -> str:
    """Any input as a string of at most MAX_INPUT characters; None and NaN become ''."""
    if raw is None:
        return ""
    if isinstance(raw, bytes):
        raw = raw[: MAX_INPUT * 4].decode("utf-8", errors="replace")
    if isinstance(raw, float) and raw != raw:  # NaN from pandas
        return ""
    try:
        text = raw if isinstance(raw, str) else str(raw)
    except Exception:  # a hostile __str__ must not crash standardization
        return ""
    return text[:MAX_INPUT]


def fold(text: str) -> str:
    """Upper-case ASCII: diacritics stripped (JOSÉ -> JOSE, ŁUKASZ -> LUKASZ), spaces squeezed."""
    text = text.translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = _CONTROL.sub(" ", text)  # NUL and friends: PostgreSQL refuses NUL in text
    return _SPACES.sub(" ", text).strip().upper()


# Placeholder words that are also real names (NA is a Korean surname, NONE is not a word to trust).
_NAME_WORDS = frozenset({"NA", "NONE", "DK", "UNK"})


def missing_reason(text: str, *, codes: bool = False, names: bool = False) -> MissingReason | None:
    """The missing reason a placeholder word (or, for coded fields, an HMIS 8/9/99) stands for."""
    key = fold(text).replace(".", "").strip()
    if codes and key in _MISSING_CODES:
        return _MISSING_CODES[key]
    if names and key in _NAME_WORDS:
        return None
    return _MISSING_WORDS.get(key)
