"""US postal addresses, normalized to USPS Publication 28 with usaddress-scourgify.

The street line, unit, city, state and ZIP5 come back separately: linkage compares street and
ZIP, the golden record shows the whole line, and enrichment works from the ZIP.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from openhhs.standardize._text import as_text, fold

MAX_ADDRESS_LENGTH = 500

STATES = frozenset(
    {
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
        "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
        "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
        "VT", "VA", "WA", "WV", "WI", "WY", "PR", "VI", "GU", "AS", "MP", "AA", "AE", "AP",
    }
)  # fmt: skip
_STATE_NAMES = {"NEW YORK": "NY", "NEW JERSEY": "NJ", "CONNECTICUT": "CT", "PENNSYLVANIA": "PA"}
# City spellings seen in NYC agency data -> the USPS preferred city name.
CITY_ALIASES = {
    "NYC": "NEW YORK",
    "NY": "NEW YORK",
    "N Y": "NEW YORK",
    "NEW YORK CITY": "NEW YORK",
    "MANHATTAN": "NEW YORK",
    "MANH": "NEW YORK",
    "BKLYN": "BROOKLYN",
    "BK": "BROOKLYN",
    "BRKLYN": "BROOKLYN",
    "BX": "BRONX",
    "THE BRONX": "BRONX",
    "SI": "STATEN ISLAND",
    "STATEN IS": "STATEN ISLAND",
    "LIC": "LONG ISLAND CITY",
}
_ZIP = re.compile(r"^(\d{5})(?:-?(\d{4}))?$", re.ASCII)
_PO_BOX = re.compile(r"^\s*P\.?\s*O\.?\s*(?:BOX|B0X|BX)\s*#?\s*(\w+)", re.I)
_UNIT = re.compile(r"^(APT|STE|FL|RM|UNIT|BLDG|#|DEPT|PH|LOWR|UPPR|FRNT|REAR|BSMT|SPC|LOT)\s*(.*)$")
_TRAILING_UNIT = re.compile(
    r"\s+((?:#|APT|STE|UNIT|FL|RM|PH)\s*[A-Z0-9-]+|BSMT|FRNT|REAR|LOWR|UPPR|LBBY|PH)$"
)
# Pub 28 designators that take no number; scourgify writes "UNIT BSMT" for them.
_BARE_UNITS = frozenset({"BSMT", "FRNT", "REAR", "LOWR", "UPPR", "LBBY", "PH", "OFC", "SIDE"})
_UNIT_WORDS = {"APARTMENT": "APT", "SUITE": "STE", "FLOOR": "FL", "ROOM": "RM", "NO": "#"}


@dataclass(frozen=True, slots=True)
class StdAddress:
    street: str | None  # "123 MAIN ST"
    unit: str | None = None  # "APT 4B"
    city: str | None = None
    state: str | None = None
    zip5: str | None = None
    zip4: str | None = None
    flags: tuple[str, ...] = ()

    @property
    def unit_id(self) -> str | None:
        """The unit without its designator ("4B"), so APT 4B and # 4B compare equal."""
        if not self.unit:
            return None
        m = _UNIT.match(self.unit)
        return (m[2] or None) if m else self.unit

    @property
    def value(self) -> str | None:
        """One line: "123 MAIN ST APT 4B, BROOKLYN NY 11201"."""
        head = " ".join(p for p in (self.street, self.unit) if p)
        tail = " ".join(p for p in (self.city, self.state, self.zip5) if p)
        return ", ".join(p for p in (head, tail) if p) or None


def standardize_zip(raw: Any) -> tuple[str | None, str | None, tuple[str, ...]]:
    """ZIP5 and ZIP+4 from "11201", "11201-1234", 7001 (a lost leading zero)."""
    text = as_text(raw).strip()
    if not text:
        return None, None, ()
    if text.isascii() and text.isdigit() and len(text) in (3, 4):
        text = text.zfill(5)
        m = _ZIP.match(text)
        return (m[1], None, ("zip_zero_padded",)) if m else (None, None, ("bad_zip",))
    m = _ZIP.match(text.replace(" ", ""))
    if not m:
        return None, None, ("bad_zip",)
    if m[1] == "00000":
        return None, None, ("bad_zip",)
    return m[1], m[2], ()


def _clean_city(city: str | None) -> str | None:
    if not city:
        return None
    key = fold(city).replace(".", "").replace(",", "").strip()
    return CITY_ALIASES.get(key, key) or None


def _clean_state(state: str | None, flags: list[str]) -> str | None:
    if not state:
        return None
    key = fold(state).replace(".", "").strip()
    key = _STATE_NAMES.get(key, key)
    if key not in STATES:
        flags.append("bad_state")
        return None
    return key


def _clean_unit(unit: str | None) -> str | None:
    if not unit:
        return None
    text = fold(unit).replace(".", "").replace(",", " ").strip()
    words = text.split()
    if words and words[0] in _UNIT_WORDS:
        words[0] = _UNIT_WORDS[words[0]]
    if len(words) >= 2 and words[0] == "UNIT" and words[1] in _BARE_UNITS:
        words = words[1:]
    text = " ".join(words)
    text = re.sub(r"^#\s*", "# ", text)
    if text and not _UNIT.match(text):
        text = f"# {text}" if re.match(r"^\w+$", text) else text
    return text or None


def _components(
    raw: Any, street: Any, unit: Any, city: Any, state: Any, zip_code: Any
) -> dict[str, str] | str:
    if isinstance(raw, Mapping):

        def pick(*keys: str) -> str:
            return next((as_text(raw[k]) for k in keys if raw.get(k) not in (None, "")), "")

        street = street or pick("street", "address_line_1", "address1", "line1", "address")
        unit = unit or pick("unit", "address_line_2", "address2", "line2", "apt")
        city = city or pick("city")
        state = state or pick("state")
        zip_code = zip_code or pick("zip", "zip5", "zipcode", "postal_code", "zip_code")
    elif raw not in (None, "") and not street:
        return as_text(raw)
    return {
        "address_line_1": as_text(street),
        "address_line_2": as_text(unit),
        "city": as_text(city),
        "state": as_text(state),
        "postal_code": as_text(zip_code),
    }


def standardize_address(
    raw: Any = None,
    *,
    street: Any = None,
    unit: Any = None,
    city: Any = None,
    state: Any = None,
    zip_code: Any = None,
) -> StdAddress:
    """Normalize a one-line address, a mapping, or separate columns; never raises.

    Unparseable input keeps the folded street text with an `unparseable` flag, so nothing an
    agency sent is lost; the ZIP is still extracted when it can be. Address parsing is the
    slowest standardizer and household members share addresses, so plain-string calls are
    memoized (results are frozen, so sharing them is safe).
    """
    args = (raw, street, unit, city, state, zip_code)
    if all(a is None or type(a) is str for a in args):
        return _standardize_address_cached(*args)
    return _standardize_address(raw, street, unit, city, state, zip_code)


@lru_cache(maxsize=65536)
def _standardize_address_cached(
    raw: str | None,
    street: str | None,
    unit: str | None,
    city: str | None,
    state: str | None,
    zip_code: str | None,
) -> StdAddress:
    return _standardize_address(raw, street, unit, city, state, zip_code)


def clear_cache() -> None:
    """Forget memoized addresses (benchmarks measure cold parsing)."""
    _standardize_address_cached.cache_clear()


def _standardize_address(
    raw: Any, street: Any, unit: Any, city: Any, state: Any, zip_code: Any
) -> StdAddress:
    flags: list[str] = []
    parts = _components(raw, street, unit, city, state, zip_code)
    zip_raw: Any = zip_code
    if isinstance(parts, dict):
        zip_raw = zip_code if zip_code not in (None, "") else parts["postal_code"]
        if not any(v.strip() for v in parts.values()):
            return StdAddress(None, flags=("missing",))
        source: dict[str, str] | str = {k: fold(v)[:MAX_ADDRESS_LENGTH] for k, v in parts.items()}
    else:
        if not parts.strip():
            return StdAddress(None, flags=("missing",))
        source = fold(parts)[:MAX_ADDRESS_LENGTH]
    if len(as_text(raw)) > MAX_ADDRESS_LENGTH:
        flags.append("truncated")

    line1 = source["address_line_1"] if isinstance(source, dict) else source
    po_box = _PO_BOX.match(line1)
    result: dict[str, Any] = {}
    if po_box:
        flags.append("po_box")
        result = _fallback(source)
        result["address_line_1"] = f"PO BOX {po_box[1].upper()}"
    else:
        result = _scourgify(source, flags)

    zip5, zip4, zip_flags = standardize_zip(result.get("postal_code") or zip_raw)
    flags.extend(zip_flags)
    if zip5 is None and "bad_zip" not in flags:
        flags.append("no_zip")
    street_line = result.get("address_line_1") or None
    unit_line = result.get("address_line_2") or None
    if street_line:
        street_line = " ".join(street_line.replace(",", " ").split())
        # The parser leaves a unit on the street line after a street with no suffix type
        # ("1 GRAND CONCOURSE # 12"): move it where it belongs.
        trailing = _TRAILING_UNIT.search(street_line)
        head = street_line[: trailing.start()] if trailing else ""
        if trailing and not unit_line and not po_box and len(head.split()) >= 2:
            street_line, unit_line = head, trailing.group(1)
    return StdAddress(
        street=street_line or None,
        unit=_clean_unit(unit_line),
        city=_clean_city(result.get("city")),
        state=_clean_state(result.get("state"), flags),
        zip5=zip5,
        zip4=zip4,
        flags=tuple(dict.fromkeys(flags)),
    )


def _scourgify(source: dict[str, str] | str, flags: list[str]) -> dict[str, Any]:
    """USPS Pub 28 normalization; separate columns need not include city, state and ZIP."""
    from scourgify import normalize_address_record

    with contextlib.suppress(Exception):  # scourgify raises on what it cannot parse
        return dict(normalize_address_record(source, strict=False))
    if isinstance(source, dict) and source["address_line_1"]:
        # The columns together confuse the parser (a unit read as a city): normalize the street
        # line alone and keep the agency's other columns as they were.
        with contextlib.suppress(Exception):
            street = dict(normalize_address_record(source["address_line_1"], strict=False))
            return {
                **source,
                "address_line_1": street.get("address_line_1"),
                "address_line_2": source["address_line_2"] or street.get("address_line_2"),
            }
    flags.append("unparseable")
    return _fallback(source)


def _fallback(source: dict[str, str] | str) -> dict[str, Any]:
    """Best-effort split with usaddress alone when scourgify gives up."""
    if isinstance(source, dict):
        return dict(source)
    out: dict[str, Any] = {"address_line_1": source}
    try:
        import usaddress

        tokens = usaddress.parse(source)
    except Exception:
        return out
    street: list[str] = []
    unit: list[str] = []
    for token, label in tokens:
        token = token.strip(",")
        if label == "PlaceName":
            out["city"] = f"{out.get('city', '')} {token}".strip()
        elif label == "StateName":
            out["state"] = token
        elif label == "ZipCode":
            out["postal_code"] = token
        elif label.startswith("Occupancy") or label.startswith("Subaddress"):
            unit.append(token)
        else:
            street.append(token)
    out["address_line_1"] = " ".join(street) or source
    out["address_line_2"] = " ".join(unit) or None
    return out
