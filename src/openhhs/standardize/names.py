"""Person names: the comparable form linkage, search and the golden record rely on.

Names are upper-cased ASCII without punctuation; generational suffixes are split off because
a JR and a SR at one address are two people, not a typo; compound surnames are split into parts
so GARCIA-LOPEZ can match GARCIA; nicknames map to one canonical given name (BOB -> ROBERT).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from openhhs.model.codes import MissingReason
from openhhs.standardize._text import as_text, fold, missing_reason

MAX_NAME_LENGTH = 100  # the model's column width; longer input is cut and flagged

SUFFIXES: dict[str, str] = {
    "JR": "JR",
    "JNR": "JR",
    "JUNIOR": "JR",
    "SR": "SR",
    "SNR": "SR",
    "SENIOR": "SR",
    "II": "II",
    "2ND": "II",
    "III": "III",
    "3RD": "III",
    "IV": "IV",
    "4TH": "IV",
}
TITLES = frozenset({"MR", "MRS", "MS", "MISS", "DR", "REV", "MX", "PROF", "SRA", "SRTA"})
# Particles that belong to the following word of a surname (DE LA CRUZ is one part).
PARTICLES = frozenset(
    {"DE", "DEL", "DELA", "LA", "LAS", "LOS", "DA", "DAS", "DO", "DOS", "DI", "DU", "VAN", "VON"}
    | {"DER", "DEN", "TER", "LE", "ST", "SAN", "SANTA", "BIN", "BEN", "IBN", "AL", "EL", "MAC"}
)
_CONJUNCTIONS = frozenset({"Y", "E", "I"})  # Spanish/Portuguese/Catalan "and" between surnames
_NON_NAME = re.compile(r"[^A-Z0-9 \-]")
_JUNK = re.compile(r"^[^A-Z]*$")  # no letter at all: 123, ---, ?


@dataclass(frozen=True, slots=True)
class StdName:
    """One standardized name component (given, middle or surname)."""

    value: str | None  # upper-case ASCII, hyphens as spaces: "GARCIA LOPEZ"
    parts: tuple[str, ...] = ()  # compound surname parts: ("GARCIA", "LOPEZ"), ("DE LA CRUZ",)
    suffix: str | None = None  # JR, SR, II, III, IV when one was written in the field
    canonical: str | None = None  # nickname-canonical given name: BOB -> ROBERT
    missing: MissingReason | None = None
    flags: tuple[str, ...] = ()

    @property
    def compact(self) -> str | None:
        """Without spaces, for blocking keys: DE LA CRUZ and DELACRUZ compare equal."""
        return self.value.replace(" ", "") if self.value else None


@dataclass(frozen=True, slots=True)
class FullName:
    """A whole name written in one field, parsed into its components."""

    first: StdName
    middle: StdName
    last: StdName
    suffix: str | None = None
    flags: tuple[str, ...] = ()


def _split_parts(words: list[str]) -> tuple[str, ...]:
    """Group surname words into parts, keeping particles with the word they introduce."""
    parts: list[str] = []
    pending: list[str] = []
    for word in words:
        if word in _CONJUNCTIONS and parts and not pending:
            continue
        pending.append(word)
        if word not in PARTICLES:
            parts.append(" ".join(pending))
            pending = []
    if pending:
        if parts:
            parts[-1] = parts[-1] + " " + " ".join(pending)
        else:
            parts.append(" ".join(pending))
    return tuple(parts)


def standardize_name(raw: Any, part: Literal["given", "middle", "surname"] = "given") -> StdName:
    """Standardize one name component; never raises, reports problems in `flags`.

    `part` only decides whether a nickname canonical is looked up (not for surnames).
    """
    text = as_text(raw)
    flags: list[str] = []
    if not text.strip():
        return StdName(None, missing=MissingReason.NOT_COLLECTED, flags=("missing",))
    reason = missing_reason(text, names=True)
    if reason is None and fold(text).replace(" ", "") in ("N.A.", "N.A", "N/A", "N\\A"):
        reason = MissingReason.NOT_COLLECTED  # NA without punctuation may be the surname Na
    if reason is not None:
        return StdName(None, missing=reason, flags=("missing",))
    folded = fold(text)
    if folded != text.strip().upper() and folded != " ".join(text.upper().split()):
        flags.append("diacritics_or_symbols")
    # Apostrophes and periods join (O'BRIEN -> OBRIEN, ST. -> ST); other punctuation separates.
    cleaned = folded.replace("'", "").replace(".", " ").replace(",", " ")
    cleaned = _NON_NAME.sub(" ", cleaned)
    if "-" in cleaned:
        flags.append("hyphenated")
    words = [w for w in cleaned.replace("-", " ").split() if w]
    if not words or _JUNK.match(" ".join(words)):
        return StdName(None, flags=(*flags, "no_letters"))
    if any(any(c.isdigit() for c in w) for w in words if w not in SUFFIXES):
        flags.append("digits")
        words = [w for w in (w if w in SUFFIXES else re.sub(r"\d", "", w) for w in words) if w]
        if not words:
            return StdName(None, flags=tuple(flags))
    suffix = None
    if len(words) > 1 and words[-1] in SUFFIXES:
        suffix = SUFFIXES[words.pop()]
        flags.append("suffix_extracted")
    if len(words) > 1 and words[0] in TITLES:
        words.pop(0)
        flags.append("title_removed")
    reason = missing_reason(" ".join(words), names=True)  # "Don't-know", "N.A.", "Mr. Unknown"
    if reason is not None:
        return StdName(None, missing=reason, flags=("missing",))
    value = " ".join(words)
    if len(value) > MAX_NAME_LENGTH:
        value = value[:MAX_NAME_LENGTH].rstrip()
        flags.append("truncated")
        words = value.split()
    if len(words) == 1 and len(value) == 1:
        flags.append("initial")
    parts = _split_parts(words)
    if len(parts) > 1:
        flags.append("compound")
    canonical = canonical_given_name(words[0]) if part != "surname" else None
    if canonical is not None and canonical != words[0]:
        flags.append("nickname")
    return StdName(
        value=value,
        parts=parts,
        suffix=suffix,
        canonical=canonical,
        flags=tuple(flags),
    )


@lru_cache(maxsize=1)
def _nicknamer() -> Any:
    from nicknames import NickNamer

    return NickNamer()


# Common English nicknames whose entry in the `nicknames` table is ambiguous or many-to-many
# (BILL is listed under both WILLIAM and ROBERT); these win over the table.
NICKNAME_OVERRIDES: dict[str, str] = {
    "BOB": "ROBERT", "BOBBY": "ROBERT", "ROB": "ROBERT", "ROBBIE": "ROBERT",
    "BILL": "WILLIAM", "BILLY": "WILLIAM", "WILL": "WILLIAM", "WILLIE": "WILLIAM",
    "LIZ": "ELIZABETH", "LIZZY": "ELIZABETH", "BETH": "ELIZABETH", "BETTY": "ELIZABETH",
    "PEGGY": "MARGARET", "MAGGIE": "MARGARET", "MEG": "MARGARET",
    "JIM": "JAMES", "JIMMY": "JAMES", "JIMMIE": "JAMES",
    "MIKE": "MICHAEL", "MIKEY": "MICHAEL", "MICKEY": "MICHAEL",
    "TOM": "THOMAS", "TOMMY": "THOMAS", "DICK": "RICHARD", "RICK": "RICHARD",
    "RICH": "RICHARD", "RICKY": "RICHARD", "TONY": "ANTHONY", "KATE": "KATHERINE",
    "KATIE": "KATHERINE", "KATHY": "KATHERINE", "CATHY": "CATHERINE", "SUE": "SUSAN",
    "SUSIE": "SUSAN", "DAVE": "DAVID", "JOE": "JOSEPH", "JOEY": "JOSEPH", "CHUCK": "CHARLES",
    "CHARLIE": "CHARLES", "DAN": "DANIEL", "DANNY": "DANIEL", "ED": "EDWARD", "EDDIE": "EDWARD",
    "TED": "EDWARD", "STEVE": "STEVEN", "MATT": "MATTHEW", "NICK": "NICHOLAS", "PAT": "PATRICK",
    "PATTY": "PATRICIA", "TRISH": "PATRICIA", "JENNY": "JENNIFER", "JEN": "JENNIFER",
    "BEN": "BENJAMIN", "SAM": "SAMUEL", "SAMMY": "SAMUEL", "ALEX": "ALEXANDER",
    "ANDY": "ANDREW", "DREW": "ANDREW", "GREG": "GREGORY", "JERRY": "GERALD", "LARRY": "LAWRENCE",
    "TERRY": "TERRENCE", "DEBBIE": "DEBORAH", "DEB": "DEBORAH", "BARB": "BARBARA",
    "CHRIS": "CHRISTOPHER", "TINA": "CHRISTINA", "VICKY": "VICTORIA", "NANCY": "ANN",
    "PEPE": "JOSE", "CHEPE": "JOSE", "PACO": "FRANCISCO", "PANCHO": "FRANCISCO",
    "NACHO": "IGNACIO", "CHUCHO": "JESUS", "CHUY": "JESUS", "LUPE": "GUADALUPE",
    "MEMO": "GUILLERMO", "BETO": "ALBERTO", "TITO": "ALBERTO", "LALO": "EDUARDO",
    "QUIQUE": "ENRIQUE", "RAFA": "RAFAEL", "TONO": "ANTONIO",
}  # fmt: skip
_FORMAL_OVERRIDES = frozenset(NICKNAME_OVERRIDES.values())


@lru_cache(maxsize=65536)
def canonical_given_name(name: str) -> str:
    """The formal given name a nickname stands for (BOB -> ROBERT, JIM -> JAMES).

    The `nicknames` table is many-to-many and lists formal names as nicknames of each other
    (JOHN under JONATHAN, MARIA under MARIETTA), so outside the curated overrides a name is
    only mapped when the table gives exactly one longer formal name and the name is not itself
    a formal name with nicknames of its own. Names without a safe answer map to themselves.
    """
    key = name.upper()
    for _ in range(4):  # follow chains (LIZZIE -> ...) until a name maps to itself
        nxt = _one_step(key)
        if nxt == key:
            break
        key = nxt
    return key


def _one_step(key: str) -> str:
    if key in NICKNAME_OVERRIDES:
        return NICKNAME_OVERRIDES[key]
    if key in _FORMAL_OVERRIDES:
        return key
    namer = _nicknamer()
    low = key.lower()
    canonicals = namer.canonicals_of(low)
    if len(canonicals) != 1 or len(namer.nicknames_of(low)) > 1:
        return key
    (formal,) = canonicals
    if len(formal) <= len(low):
        return key
    return formal.upper()


# probablepeople labels -> our components
_FIRST = {"GivenName", "FirstInitial"}
_MIDDLE = {"MiddleName", "MiddleInitial"}
_LAST = {"Surname", "LastInitial"}
_SUFFIX = {"SuffixGenerational"}


def _heuristic_split(text: str) -> tuple[str, str, str]:
    """Fallback when probablepeople cannot label: "LAST, FIRST M" or "FIRST M LAST"."""
    if "," in text:
        last, _, rest = text.partition(",")
        words = rest.split()
        return (words[0] if words else "", " ".join(words[1:]), last)
    words = text.split()
    if len(words) <= 1:
        return ("", "", words[0] if words else "")
    return (words[0], " ".join(words[1:-1]), words[-1])


def parse_full_name(raw: Any) -> FullName:
    """Parse "LAST, FIRST M", "FIRST M LAST" and the like; never raises."""
    text = as_text(raw)
    flags: list[str] = []
    empty = standardize_name(None)
    if not text.strip():
        return FullName(empty, empty, empty, flags=("missing",))
    reason = missing_reason(text, names=True)
    if reason is not None:
        gone = StdName(None, missing=reason, flags=("missing",))
        return FullName(gone, gone, gone, flags=("missing",))
    ascii_text = fold(text)[:300]
    pieces: dict[str, list[str]] = {"first": [], "middle": [], "last": [], "suffix": []}
    try:
        import probablepeople

        tagged, kind = probablepeople.tag(ascii_text)
        if kind != "Person":
            flags.append("not_a_person" if kind == "Corporation" else "household")
        for label, value in tagged.items():
            if label in _FIRST:
                pieces["first"].append(value)
            elif label in _MIDDLE:
                pieces["middle"].append(value)
            elif label in _LAST:
                pieces["last"].append(value)
            elif label in _SUFFIX:
                pieces["suffix"].append(value)
        if not pieces["first"] and not pieces["last"]:
            raise ValueError("no person name labels")
    except Exception:  # RepeatedLabelError and friends: ambiguous text, fall back to layout
        flags.append("parsed_by_layout")
        first, middle, last = _heuristic_split(ascii_text)
        pieces = {"first": [first], "middle": [middle], "last": [last], "suffix": []}
    last_std = standardize_name(" ".join(pieces["last"]), "surname")
    first_std = standardize_name(" ".join(pieces["first"]), "given")
    middle_std = standardize_name(" ".join(pieces["middle"]), "middle")
    suffix = None
    if pieces["suffix"]:
        key = fold(" ".join(pieces["suffix"])).replace(".", "").strip()
        suffix = SUFFIXES.get(key)
    suffix = suffix or last_std.suffix or middle_std.suffix or first_std.suffix
    if first_std.value is None:
        flags.append("no_first_name")
    if last_std.value is None:
        flags.append("no_last_name")
    return FullName(first_std, middle_std, last_std, suffix=suffix, flags=tuple(flags))
