"""Coded demographics from agency codes and free text: sex, gender identity, race, language.

Every mapper keeps the three HMIS missing reasons (8 don't know, 9 refused, 99 not collected)
apart from a value and from each other, and reports text it could not map as `unmapped` instead
of guessing. Race follows the 2024 SPD-15 combined question: several categories may be chosen,
each with an optional detailed group ("Dominican", "Haitian").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openhhs.model.codes import GenderIdentity, MissingReason, Race, Sex
from openhhs.standardize._text import as_text, fold, missing_reason


@dataclass(frozen=True, slots=True)
class CodeResult:
    """A single-valued code (sex, primary language)."""

    value: str | None
    missing: MissingReason | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GenderResult:
    values: tuple[GenderIdentity, ...]  # multi-select (HMIS 3.06 FY2024)
    missing: MissingReason | None = None
    different_text: str | None = None  # "DifferentIdentityText"
    flags: tuple[str, ...] = ()

    @property
    def value(self) -> GenderIdentity | None:
        """The single code when exactly one was given (the person table's column)."""
        return self.values[0] if len(self.values) == 1 else None


@dataclass(frozen=True, slots=True)
class RaceResult:
    categories: tuple[Race, ...]  # SPD-15 minimum categories, in code-list order
    details: tuple[tuple[Race, str], ...] = ()  # (category, detailed group) pairs
    missing: MissingReason | None = None
    write_in: str | None = None  # text that named no category ("AdditionalRaceEthnicity")
    flags: tuple[str, ...] = ()

    @property
    def value(self) -> tuple[Race, ...]:
        return self.categories


def _key(text: str) -> str:
    """Folded, letters/digits/spaces only: "Hispanic/Latina/e/o" -> "HISPANIC LATINA E O"."""
    return " ".join(re.sub(r"[^A-Z0-9 ]", " ", fold(text)).split())


def _split(raw: Any, known: Callable[[str], bool]) -> list[str]:
    """One value, a list, or a delimited string -> items, keeping whole items that are known."""
    if raw is None:
        return []
    if isinstance(raw, (list, tuple, set, frozenset)):
        items = [as_text(x) for x in list(raw)[:50]]  # no form has more than a few boxes
    else:
        items = [as_text(raw)]
    out: list[str] = []
    for item in items:
        item = item[:1000]
        if known(_key(item)) or missing_reason(item, codes=True) is not None:
            out.append(fold(item))
        else:
            out += [fold(p) for p in re.split(r"[;|,/]+", item)]
    return [p for p in out if p]


def _missing_of(items: list[str], codes: bool) -> MissingReason | None:
    if not items:
        return MissingReason.NOT_COLLECTED
    reasons = {missing_reason(i, codes=codes) for i in items}
    if None in reasons or len(reasons) != 1:
        return None
    return reasons.pop()


# ---- sex ------------------------------------------------------------------------------------

_SEX_TEXT = {
    "F": Sex.FEMALE,
    "FEMALE": Sex.FEMALE,
    "W": Sex.FEMALE,
    "WOMAN": Sex.FEMALE,
    "GIRL": Sex.FEMALE,
    "FEM": Sex.FEMALE,
    "M": Sex.MALE,
    "MALE": Sex.MALE,
    "MAN": Sex.MALE,
    "BOY": Sex.MALE,
    "X": Sex.X,
    "INTERSEX": Sex.X,
    "NONBINARY": Sex.X,
    "NON BINARY": Sex.X,
}
# Agency numeric code lists; "hmis" is FY2026 element 4.21 (0 female, 1 male).
SEX_SCHEMES: dict[str, dict[str, Sex]] = {
    "hmis": {"0": Sex.FEMALE, "1": Sex.MALE},
    "census": {"1": Sex.MALE, "2": Sex.FEMALE},
}


def map_sex(raw: Any, *, scheme: str | None = None) -> CodeResult:
    """Sex from "F", "female", "1" (with a numeric `scheme`), 8/9/99 missing codes."""
    text = fold(as_text(raw)).replace(".", "")
    if not text:
        return CodeResult(None, MissingReason.NOT_COLLECTED, ("missing",))
    reason = missing_reason(text, codes=True)
    if reason is not None:
        return CodeResult(None, reason, ("missing",))
    if scheme and text in SEX_SCHEMES.get(scheme, {}):
        return CodeResult(SEX_SCHEMES[scheme][text].value)
    if text in _SEX_TEXT:
        return CodeResult(_SEX_TEXT[text].value)
    return CodeResult(None, None, ("unmapped",))


# ---- gender identity -----------------------------------------------------------------------

_GENDER_TEXT: dict[str, tuple[GenderIdentity, ...]] = {
    "WOMAN": (GenderIdentity.WOMAN,),
    "FEMALE": (GenderIdentity.WOMAN,),
    "F": (GenderIdentity.WOMAN,),
    "GIRL": (GenderIdentity.WOMAN,),
    "WOMAN GIRL": (GenderIdentity.WOMAN,),
    "MAN": (GenderIdentity.MAN,),
    "MALE": (GenderIdentity.MAN,),
    "M": (GenderIdentity.MAN,),
    "BOY": (GenderIdentity.MAN,),
    "MAN BOY": (GenderIdentity.MAN,),
    "NON BINARY": (GenderIdentity.NON_BINARY,),
    "NONBINARY": (GenderIdentity.NON_BINARY,),
    "ENBY": (GenderIdentity.NON_BINARY,),
    "GENDERQUEER": (GenderIdentity.NON_BINARY,),
    "GENDER NONCONFORMING": (GenderIdentity.NON_BINARY,),
    "GENDER NON CONFORMING": (GenderIdentity.NON_BINARY,),
    "AGENDER": (GenderIdentity.NON_BINARY,),
    "X": (GenderIdentity.NON_BINARY,),
    "TRANSGENDER": (GenderIdentity.TRANSGENDER,),
    "TRANS": (GenderIdentity.TRANSGENDER,),
    "TRANS WOMAN": (GenderIdentity.WOMAN, GenderIdentity.TRANSGENDER),
    "TRANSGENDER WOMAN": (GenderIdentity.WOMAN, GenderIdentity.TRANSGENDER),
    "MTF": (GenderIdentity.WOMAN, GenderIdentity.TRANSGENDER),
    "TRANS MAN": (GenderIdentity.MAN, GenderIdentity.TRANSGENDER),
    "TRANSGENDER MAN": (GenderIdentity.MAN, GenderIdentity.TRANSGENDER),
    "FTM": (GenderIdentity.MAN, GenderIdentity.TRANSGENDER),
    "QUESTIONING": (GenderIdentity.QUESTIONING,),
    "CULTURALLY SPECIFIC": (GenderIdentity.CULTURALLY_SPECIFIC,),
    "CULTURALLY SPECIFIC IDENTITY": (GenderIdentity.CULTURALLY_SPECIFIC,),
    "TWO SPIRIT": (GenderIdentity.CULTURALLY_SPECIFIC,),
    "TWO-SPIRIT": (GenderIdentity.CULTURALLY_SPECIFIC,),
    "DIFFERENT IDENTITY": (GenderIdentity.DIFFERENT,),
    # HMIS CSV FY2024 column names, so an importer can pass the columns that hold 1
    "CULTURALLYSPECIFIC": (GenderIdentity.CULTURALLY_SPECIFIC,),
    "DIFFERENTIDENTITY": (GenderIdentity.DIFFERENT,),
}
# HMIS FY2024 3.06 Gender response codes.
GENDER_SCHEMES: dict[str, dict[str, GenderIdentity]] = {
    "hmis": {
        "0": GenderIdentity.WOMAN,
        "1": GenderIdentity.MAN,
        "2": GenderIdentity.CULTURALLY_SPECIFIC,
        "3": GenderIdentity.DIFFERENT,
        "4": GenderIdentity.NON_BINARY,
        "5": GenderIdentity.TRANSGENDER,
        "6": GenderIdentity.QUESTIONING,
    }
}


def map_gender_identity(raw: Any, *, scheme: str | None = None) -> GenderResult:
    """Gender identity (multi-select) from free text, lists or HMIS codes (`scheme="hmis"`).

    Text naming no known identity is kept as a "different identity" write-in, the way HMIS
    keeps `DifferentIdentityText`, rather than dropped.
    """
    items = [i.replace("-", " ") for i in _split(raw, lambda k: k in _GENDER_TEXT)]
    missing = _missing_of(items, codes=True)
    if missing is not None:
        return GenderResult((), missing, flags=("missing",))
    found: list[GenderIdentity] = []
    others: list[str] = []
    flags: list[str] = []
    codes = GENDER_SCHEMES.get(scheme or "", {})
    for item in items:
        if missing_reason(item, codes=True) is not None:
            flags.append("missing_mixed_with_value")
        elif item in codes:
            found.append(codes[item])
        elif item in _GENDER_TEXT:
            found.extend(_GENDER_TEXT[item])
        elif item.replace(" ", "") in _GENDER_TEXT:
            found.extend(_GENDER_TEXT[item.replace(" ", "")])
        else:
            others.append(item)
    text = None
    if others:
        found.append(GenderIdentity.DIFFERENT)
        text = " ".join(others)[:200]
        flags.append("write_in")
    order = list(GenderIdentity)
    values = tuple(sorted(set(found), key=order.index))
    return GenderResult(values, None, text, tuple(flags))


# ---- race and ethnicity (SPD-15, 2024) ----------------------------------------------------

_RACE_TEXT: dict[str, tuple[Race, ...]] = {
    "AMERICAN INDIAN OR ALASKA NATIVE": (Race.AIAN,),
    "AMERICAN INDIAN ALASKA NATIVE OR INDIGENOUS": (Race.AIAN,),
    "AMERICAN INDIAN": (Race.AIAN,),
    "ALASKA NATIVE": (Race.AIAN,),
    "NATIVE AMERICAN": (Race.AIAN,),
    "INDIGENOUS": (Race.AIAN,),
    "AIAN": (Race.AIAN,),
    "AMINDAKNATIVE": (Race.AIAN,),
    "ASIAN": (Race.ASIAN,),
    "ASIAN AMERICAN": (Race.ASIAN,),
    "ASIAN OR ASIAN AMERICAN": (Race.ASIAN,),
    "ASIAN PACIFIC ISLANDER": (Race.ASIAN, Race.NHPI),
    "ASIAN OR PACIFIC ISLANDER": (Race.ASIAN, Race.NHPI),
    "API": (Race.ASIAN, Race.NHPI),
    "BLACK": (Race.BLACK,),
    "BLACK OR AFRICAN AMERICAN": (Race.BLACK,),
    "BLACK AFRICAN AMERICAN OR AFRICAN": (Race.BLACK,),
    "AFRICAN": (Race.BLACK,),
    "BLACKAFAMERICAN": (Race.BLACK,),
    "HISPANIC": (Race.HISPANIC,),
    "LATINO": (Race.HISPANIC,),
    "LATINA": (Race.HISPANIC,),
    "LATINE": (Race.HISPANIC,),
    "LATINX": (Race.HISPANIC,),
    "HISPANIC OR LATINO": (Race.HISPANIC,),
    "HISPANIC LATINA E O": (Race.HISPANIC,),
    "HISPANIC LATINAEO": (Race.HISPANIC,),
    "HISPANICLATINAEO": (Race.HISPANIC,),
    "HISPANICLATINAO": (Race.HISPANIC,),
    "MIDDLE EASTERN OR NORTH AFRICAN": (Race.MENA,),
    "MIDDLE EASTERN": (Race.MENA,),
    "NORTH AFRICAN": (Race.MENA,),
    "MENA": (Race.MENA,),
    "ARAB": (Race.MENA,),
    "MIDEASTNAFRICAN": (Race.MENA,),
    "NATIVE HAWAIIAN OR PACIFIC ISLANDER": (Race.NHPI,),
    "NATIVE HAWAIIAN OR OTHER PACIFIC ISLANDER": (Race.NHPI,),
    "PACIFIC ISLANDER": (Race.NHPI,),
    "NHPI": (Race.NHPI,),
    "NATIVEHIPACIFIC": (Race.NHPI,),
    "WHITE": (Race.WHITE,),
    "CAUCASIAN": (Race.WHITE,),
}
# Detailed groups (spd15revision.gov examples plus large NYC communities) -> category.
_DETAIL: dict[Race, str] = {
    Race.AIAN: (
        "NAVAJO|CHEROKEE|LAKOTA|SHINNECOCK|MOHAWK|SENECA|ONEIDA|YUPIK|INUPIAT|TAINO|"
        "MAYAN|QUECHUA|AZTEC"
    ),
    Race.ASIAN: (
        "CHINESE|ASIAN INDIAN|FILIPINO|VIETNAMESE|KOREAN|JAPANESE|BANGLADESHI|"
        "PAKISTANI|NEPALI|TIBETAN|SRI LANKAN|THAI|CAMBODIAN|HMONG|BURMESE|INDONESIAN|"
        "TAIWANESE|INDO CARIBBEAN"
    ),
    Race.BLACK: (
        "AFRICAN AMERICAN|JAMAICAN|HAITIAN|NIGERIAN|ETHIOPIAN|SOMALI|GHANAIAN|"
        "TRINIDADIAN|TRINIDADIAN AND TOBAGONIAN|BARBADIAN|SENEGALESE|GUYANESE|IVORIAN|"
        "MALIAN|GAMBIAN|GUINEAN|CARIBBEAN|WEST INDIAN"
    ),
    Race.HISPANIC: (
        "MEXICAN|PUERTO RICAN|SALVADORAN|CUBAN|DOMINICAN|GUATEMALAN|ECUADORIAN|COLOMBIAN|"
        "HONDURAN|PERUVIAN|VENEZUELAN|NICARAGUAN|PANAMANIAN|COSTA RICAN|ARGENTINIAN|"
        "CHILEAN|BOLIVIAN|SPANIARD"
    ),
    Race.MENA: (
        "LEBANESE|IRANIAN|EGYPTIAN|SYRIAN|IRAQI|ISRAELI|MOROCCAN|YEMENI|PALESTINIAN|"
        "ALGERIAN|TUNISIAN|LIBYAN|JORDANIAN|SAUDI|EMIRATI|KUWAITI|ARMENIAN|ASSYRIAN|"
        "CHALDEAN|AMAZIGH|BERBER"
    ),
    Race.NHPI: (
        "NATIVE HAWAIIAN|SAMOAN|CHAMORRO|TONGAN|FIJIAN|MARSHALLESE|GUAMANIAN|PALAUAN|"
        "TAHITIAN|CHUUKESE"
    ),
    Race.WHITE: (
        "ENGLISH|GERMAN|IRISH|ITALIAN|POLISH|SCOTTISH|RUSSIAN|UKRAINIAN|GREEK|FRENCH|"
        "ALBANIAN|PORTUGUESE|EUROPEAN|JEWISH|HUNGARIAN|ROMANIAN|GEORGIAN|BOSNIAN|SERBIAN|"
        "CROATIAN|DUTCH"
    ),
}
_DETAIL_INDEX: dict[str, Race] = {
    g: race for race, groups in _DETAIL.items() for g in groups.split("|")
}
# HMIS FY2024 3.04 RaceEthnicity response codes.
RACE_SCHEMES: dict[str, dict[str, Race]] = {
    "hmis": {
        "1": Race.AIAN,
        "2": Race.ASIAN,
        "3": Race.BLACK,
        "4": Race.NHPI,
        "5": Race.WHITE,
        "6": Race.HISPANIC,
        "7": Race.MENA,
    }
}
_MULTI = {"MULTIRACIAL", "MULTI RACIAL", "TWO OR MORE RACES", "MIXED", "BIRACIAL", "MULTIPLE"}
_OTHER = {"OTHER", "OTHER RACE", "SOME OTHER RACE"}


_LATIN = r"(HISPANIC|LATINO|LATINA|LATINX|LATINE|SPANISH)"
_NOT_HISPANIC = re.compile(
    rf"\b(NON|NOT)\s+(OF\s+)?{_LATIN}(\s+(OR|AND)\s+{_LATIN})*(\s+ORIGIN)?\b"
)
_RACE_FILLER = frozenset({"OR", "AND", "OF", "ORIGIN", "DESCENT", "RACE", "ALONE", "ONLY", "THE"})


def _race_item(item: str, codes: dict[str, Race]) -> tuple[list[Race], list[tuple[Race, str]], str]:
    """Categories and detailed groups named in one item, and the words that named nothing.

    "White, non-Hispanic" states a category and denies another; "Black Dominican" names two.
    Known phrases are matched longest first, so AMERICAN INDIAN is not read as INDIAN.
    """
    if item in codes:
        return [codes[item]], [], ""
    key = " ".join(re.sub(r"[^A-Z ]", " ", item).split())
    key = " ".join(_NOT_HISPANIC.sub(" ", key).split())
    for candidate in (key, key.replace(" ", "")):
        if candidate in _RACE_TEXT:
            return list(_RACE_TEXT[candidate]), [], ""
    races: list[Race] = []
    details: list[tuple[Race, str]] = []
    leftover: list[str] = []
    words = key.split()
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + 7), i, -1):
            phrase = " ".join(words[i:j])
            if phrase in _RACE_TEXT:
                races.extend(_RACE_TEXT[phrase])
                break
            if phrase in _DETAIL_INDEX:
                races.append(_DETAIL_INDEX[phrase])
                details.append((_DETAIL_INDEX[phrase], phrase))
                break
        else:
            if words[i] not in _RACE_FILLER and not (words[i] == "AMERICAN" and details):
                leftover.append(words[i])  # "KOREAN AMERICAN": AMERICAN adds nothing
            j = i + 1
        i = j
    return races, details, " ".join(leftover)


def map_race(raw: Any, *, scheme: str | None = None) -> RaceResult:
    """SPD-15 categories and detail from codes, column names, free text or a list of them.

    Each item is mapped on its own ("Black; Dominican" -> BLACK and HISPANIC with detail
    DOMINICAN); text naming nothing is kept as a write-in and flagged, never guessed.
    """

    def known(key: str) -> bool:
        return key in _RACE_TEXT or key in _DETAIL_INDEX

    items = _split(raw, known)
    if isinstance(raw, str):  # "Black and White", "White & Asian"
        items = [
            p.strip()
            for i in items
            for p in ([i] if known(_key(i)) else re.split(r" AND | & | \+ ", f" {i} "))
            if p.strip()
        ]
    missing = _missing_of(items, codes=True)
    if missing is not None:
        return RaceResult((), missing=missing, flags=("missing",))
    codes = RACE_SCHEMES.get(scheme or "", {})
    found: list[Race] = []
    details: list[tuple[Race, str]] = []
    write_in: list[str] = []
    flags: list[str] = []
    for item in items:
        if missing_reason(item, codes=True) is not None:
            flags.append("missing_mixed_with_value")
            continue
        if item in _MULTI:
            flags.append("multiracial_unspecified")
            continue
        if item in _OTHER:
            flags.append("other_unspecified")
            continue
        if _NOT_HISPANIC.search(" ".join(re.sub(r"[^A-Z ]", " ", item).split())):
            flags.append("non_hispanic_stated")
        races, item_details, rest = _race_item(item, codes)
        found.extend(races)
        details.extend(item_details)
        if rest:
            write_in.append(rest if races else item)
    if write_in:
        flags.append("unmapped")
    order = list(Race)
    categories = tuple(sorted(set(found), key=order.index))
    return RaceResult(
        categories,
        tuple(dict.fromkeys(details)),
        None,
        " ".join(write_in)[:200] or None,
        tuple(dict.fromkeys(flags)),
    )


# ---- language (ISO 639-3) ----------------------------------------------------------------

# name -> ISO 639-3; the languages most spoken in NYC households plus common agency spellings.
LANGUAGES: dict[str, str] = {
    "ENGLISH": "eng",
    "SPANISH": "spa",
    "ESPANOL": "spa",
    "CASTELLANO": "spa",
    "CHINESE": "zho",
    "MANDARIN": "cmn",
    "CANTONESE": "yue",
    "FUZHOUNESE": "cdo",
    "RUSSIAN": "rus",
    "BENGALI": "ben",
    "BANGLA": "ben",
    "HAITIAN CREOLE": "hat",
    "HAITIAN": "hat",
    "KREYOL": "hat",
    "CREOLE": "hat",
    "KOREAN": "kor",
    "ARABIC": "ara",
    "FRENCH": "fra",
    "URDU": "urd",
    "POLISH": "pol",
    "YIDDISH": "yid",
    "ITALIAN": "ita",
    "TAGALOG": "tgl",
    "FILIPINO": "fil",
    "VIETNAMESE": "vie",
    "JAPANESE": "jpn",
    "GREEK": "ell",
    "HINDI": "hin",
    "PUNJABI": "pan",
    "PORTUGUESE": "por",
    "ALBANIAN": "sqi",
    "PERSIAN": "fas",
    "FARSI": "fas",
    "DARI": "prs",
    "PASHTO": "pus",
    "HEBREW": "heb",
    "UKRAINIAN": "ukr",
    "UZBEK": "uzb",
    "NEPALI": "nep",
    "TIBETAN": "bod",
    "WOLOF": "wol",
    "FULANI": "ful",
    "FULA": "ful",
    "MANDINKA": "mnk",
    "SONINKE": "snk",
    "SWAHILI": "swa",
    "SOMALI": "som",
    "AMHARIC": "amh",
    "TIGRINYA": "tir",
    "GERMAN": "deu",
    "TURKISH": "tur",
    "GEORGIAN": "kat",
    "ARMENIAN": "hye",
    "AMERICAN SIGN LANGUAGE": "ase",
    "ASL": "ase",
    "SIGN LANGUAGE": "sgn",
    "GARIFUNA": "cab",
    "KICHE": "quc",
    "K ICHE": "quc",
    "QUICHE": "quc",
    "MIXTECO": "mix",
    "MIXTEC": "mix",
    "QUECHUA": "que",
    "TWI": "twi",
    "YORUBA": "yor",
    "IGBO": "ibo",
    "HAUSA": "hau",
    "TAMIL": "tam",
    "TELUGU": "tel",
    "GUJARATI": "guj",
    "MALAYALAM": "mal",
    "THAI": "tha",
    "BURMESE": "mya",
    "KHMER": "khm",
    "LAO": "lao",
    "INDONESIAN": "ind",
    "ROMANIAN": "ron",
    "SERBIAN": "srp",
    "CROATIAN": "hrv",
    "BOSNIAN": "bos",
    "SERBO CROATIAN": "hbs",
    "HUNGARIAN": "hun",
    "CZECH": "ces",
    "AZERBAIJANI": "aze",
    "DUTCH": "nld",
}
# ISO 639-1 and 639-2/B codes agencies send -> ISO 639-3.
_ISO_SHORT: dict[str, str] = {
    "EN": "eng", "ES": "spa", "ZH": "zho", "RU": "rus", "BN": "ben", "HT": "hat", "KO": "kor",
    "AR": "ara", "FR": "fra", "UR": "urd", "PL": "pol", "YI": "yid", "IT": "ita", "TL": "tgl",
    "VI": "vie", "JA": "jpn", "EL": "ell", "HI": "hin", "PA": "pan", "PT": "por", "SQ": "sqi",
    "FA": "fas", "HE": "heb", "UK": "ukr", "UZ": "uzb", "NE": "nep", "BO": "bod", "WO": "wol",
    "FF": "ful", "SW": "swa", "SO": "som", "AM": "amh", "DE": "deu", "TR": "tur", "KA": "kat",
    "HY": "hye", "YO": "yor", "IG": "ibo", "HA": "hau", "TA": "tam", "GU": "guj", "TH": "tha",
    "MY": "mya", "KM": "khm", "RO": "ron", "SR": "srp", "HR": "hrv", "HU": "hun", "CS": "ces",
    "NL": "nld", "TI": "tir",
    "CHI": "zho", "FRE": "fra", "GER": "deu", "PER": "fas", "ALB": "sqi", "ARM": "hye",
    "GRE": "ell", "RUM": "ron", "CZE": "ces", "BUR": "mya", "GEO": "kat", "TIB": "bod",
    "DUT": "nld",
}  # fmt: skip
_ISO3 = frozenset(LANGUAGES.values())


def map_language(raw: Any) -> CodeResult:
    """ISO 639-3 code for a language name or code ("Spanish", "es", "spa", "Español")."""
    text = fold(as_text(raw)).replace(".", "")
    if not text:
        return CodeResult(None, MissingReason.NOT_COLLECTED, ("missing",))
    reason = missing_reason(text, codes=True)
    if reason is not None:
        return CodeResult(None, reason, ("missing",))
    key = " ".join(re.sub(r"[^A-Z ]", " ", text).split())
    if key in LANGUAGES:
        return CodeResult(LANGUAGES[key])
    if key in _ISO_SHORT:
        return CodeResult(_ISO_SHORT[key])
    if key.lower() in _ISO3:
        return CodeResult(key.lower())
    # "Mandarin Chinese", "Spanish only": the first word that names a language wins.
    for word in key.split():
        if word in LANGUAGES:
            return CodeResult(LANGUAGES[word], None, ("partial_match",))
    return CodeResult(None, None, ("unmapped",))


# ---- down-mapping SPD-15 (2024) to older code lists -------------------------------------

HMIS_RACE_CODES: dict[Race, int] = {race: int(code) for code, race in RACE_SCHEMES["hmis"].items()}

# CDC Race & Ethnicity code set (urn:oid:2.16.840.1.113883.6.238), the OMB 1997 categories US Core
# `ombCategory` allows. 1997 OMB had no MENA category: MENA people were counted as White.
CDC_REC = "urn:oid:2.16.840.1.113883.6.238"
_OMB1997_RACE: dict[Race, tuple[str, str]] = {
    Race.AIAN: ("1002-5", "American Indian or Alaska Native"),
    Race.ASIAN: ("2028-9", "Asian"),
    Race.BLACK: ("2054-5", "Black or African American"),
    Race.NHPI: ("2076-8", "Native Hawaiian or Other Pacific Islander"),
    Race.WHITE: ("2106-3", "White"),
    Race.MENA: ("2106-3", "White"),
}
_HISPANIC = ("2135-2", "Hispanic or Latino")
_NOT_HISPANIC_CODE = ("2186-5", "Not Hispanic or Latino")


def us_core_race_ethnicity(result: RaceResult) -> dict[str, Any]:
    """The US Core race and ethnicity extensions' content for one SPD-15 answer.

    Returns {"race": {"ombCategory": [...], "text": ...}, "ethnicity": {...}} with CDC REC
    codings; MENA becomes White under the 1997 categories and keeps its name in `text`, so the
    down-mapping loses no information a reader needs. Missing answers give UNK/ASKU text only.
    """

    def coding(pair: tuple[str, str]) -> dict[str, str]:
        return {"system": CDC_REC, "code": pair[0], "display": pair[1]}

    names = [c.value for c in result.categories] + [d for _, d in result.details]
    if result.missing is not None:
        text = {"dont_know": "Unknown", "refused": "Asked but declined"}.get(
            result.missing.value, "Not collected"
        )
        return {"race": {"text": text}, "ethnicity": {"text": text}}
    if not result.categories:  # nothing selected (or only a write-in): unknown, not "not Hispanic"
        text = result.write_in or "Unknown"
        return {"race": {"text": text}, "ethnicity": {"text": "Unknown"}}
    races = [r for r in result.categories if r is not Race.HISPANIC]
    omb = list(dict.fromkeys(_OMB1997_RACE[r] for r in races))
    race: dict[str, Any] = {"ombCategory": [coding(p) for p in omb], "text": ", ".join(names)}
    hispanic = Race.HISPANIC in result.categories
    ethnicity = {
        "ombCategory": [coding(_HISPANIC if hispanic else _NOT_HISPANIC_CODE)],
        "text": "Hispanic or Latino" if hispanic else "Not Hispanic or Latino",
    }
    if not races:
        race = {"text": ", ".join(names) or "Unknown"}
    return {"race": race, "ethnicity": ethnicity}
