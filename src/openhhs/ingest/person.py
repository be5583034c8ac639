"""One person record, as sent, into standardized `source_person` columns and its part rows.

The single path shared by file ingest and the push API (pure: no database). Hard errors (a date
that cannot be a birth date, a value too long for its column) are returned as problems and the
caller rejects the record; soft ones (placeholder SSN, unparseable address) are kept as flags.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from openhhs import standardize as std_
from openhhs.ingest.schemas import PersonIn
from openhhs.model.codes import IdentifierKind, MissingReason, NameKind, PhoneKind
from openhhs.standardize import (
    StdAddress,
    StdPhone,
    enrich_zip,
    map_gender_identity,
    map_language,
    map_race,
    map_sex,
    parse_full_name,
    standardize_date,
    standardize_name,
    standardize_ssn,
)


# Members of a household share an address and often a phone: parse each distinct value once.
@functools.lru_cache(maxsize=65536)
def standardize_address(
    raw: str | None, *, street: str | None, unit: str | None, city: str | None,
    state: str | None, zip_code: str | None,
) -> StdAddress:  # fmt: skip
    return std_.standardize_address(
        raw, street=street, unit=unit, city=city, state=state, zip_code=zip_code
    )


@functools.lru_cache(maxsize=65536)
def standardize_phone(raw: str) -> StdPhone:
    return std_.standardize_phone(raw)


# Date flags that mean "this cannot be the person's birth date": the record is rejected.
BAD_DOB_FLAGS = frozenset({"impossible_date", "unparseable", "future", "too_old"})
# Lengths of the source_person columns (see openhhs.model.person).
LIMITS = {
    "first_name": 100,
    "middle_name": 100,
    "last_name": 100,
    "suffix": 16,
    "street": 200,
    "unit": 50,
    "city": 100,
    "source_id": 128,
}


@dataclass
class StdPerson:
    values: dict[str, Any]  # source_person columns
    parts: dict[str, list[dict[str, Any]]]  # part table -> rows (without source_person_id)
    flags: dict[str, list[str]]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, reason): reject
    unmapped: set[str] = field(default_factory=set)  # coded fields whose value named no code


def _flag(flags: dict[str, list[str]], name: str, items: tuple[str, ...] | list[str]) -> None:
    kept = [f for f in items if f != "missing"]
    if kept:
        flags.setdefault(name, []).extend(kept)


def _missing(p: PersonIn, name: str, found: MissingReason | None) -> MissingReason | None:
    return p.missing.get(name) or found


def _names(p: PersonIn, values: dict[str, Any], flags: dict[str, list[str]]) -> None:
    if p.full_name and not (p.first_name or p.last_name):
        full = parse_full_name(p.full_name)
        first, middle, last = full.first, full.middle, full.last
        suffix_raw: str | None = full.suffix
        _flag(flags, "name", full.flags)
    else:
        first, middle, last = (
            standardize_name(p.first_name),
            standardize_name(p.middle_name),
            standardize_name(p.last_name),
        )
        suffix_raw = p.suffix
    suffix = standardize_name(suffix_raw).value if suffix_raw else None
    suffix = suffix or first.suffix or last.suffix
    for name, std in (("first_name", first), ("middle_name", middle), ("last_name", last)):
        values[name] = std.value
        _flag(flags, name, std.flags)
    values["suffix"] = suffix
    values["first_name_canonical"] = first.canonical
    values["last_name_parts"] = list(last.parts) if last.value else []


def _aliases(p: PersonIn, values: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    if values.get("first_name") or values.get("last_name"):
        raw = p.full_name or " ".join(
            x for x in (p.first_name, p.middle_name, p.last_name, p.suffix) if x
        )
        rows.append(
            {
                "kind": NameKind.LEGAL,
                "first": values["first_name"],
                "middle": values["middle_name"],
                "last": values["last_name"],
                "suffix": values["suffix"],
                "raw": raw[:300],
            }
        )
    for alias in p.aliases:
        full = parse_full_name(alias)
        if full.first.value or full.last.value:
            rows.append(
                {
                    "kind": NameKind.ALIAS,
                    "first": full.first.value,
                    "middle": full.middle.value,
                    "last": full.last.value,
                    "suffix": full.suffix,
                    "raw": alias[:300],
                }
            )
    return rows


def _dob(p: PersonIn, values: dict[str, Any], flags: dict[str, list[str]], problems: list) -> None:
    std = standardize_date(p.dob, fmt=p.date_format) if p.dob is not None else None
    if std is None or (std.value is None and "missing" in std.flags):
        values["dob"] = None
        values["dob_missing"] = _missing(p, "dob", std.missing if std else None) or (
            MissingReason.NOT_COLLECTED
        )
        return
    _flag(flags, "dob", std.flags)
    bad = BAD_DOB_FLAGS.intersection(std.flags)
    if bad:
        problems.append(("dob", f"impossible date of birth {str(p.dob)[:40]!r} ({sorted(bad)[0]})"))
    values["dob"] = std.value
    values["dob_missing"] = None if std.value else _missing(p, "dob", std.missing)


def _codes(
    p: PersonIn, values: dict[str, Any], flags: dict[str, list[str]], out: StdPerson
) -> None:
    sex = map_sex(p.sex)
    values["sex"] = sex.value
    values["sex_missing"] = None if sex.value else _missing(p, "sex", sex.missing)
    _flag(flags, "sex", sex.flags)
    if "unmapped" in sex.flags:
        out.unmapped.add("sex")
    gender = map_gender_identity(p.gender_identity)
    values["gender_identity"] = gender.values[0] if gender.values else None
    values["gender_identity_missing"] = (
        None if gender.values else _missing(p, "gender_identity", gender.missing)
    )
    _flag(flags, "gender_identity", gender.flags)
    if "unmapped" in gender.flags:
        out.unmapped.add("gender_identity")
    race = map_race(p.races) if p.races else None
    cats = list(race.categories) if race else []
    details = dict(race.details) if race else {}
    out.parts["races"] = [
        {"category": c, "detail": (details.get(c) or (p.race_detail if len(cats) == 1 else None))}
        for c in cats
    ]
    values["race_missing"] = None if cats else _missing(p, "race", race.missing if race else None)
    if race:
        _flag(flags, "race", race.flags)
        if race.write_in and not cats:
            out.unmapped.add("race")
    lang = map_language(p.language) if p.language else None
    values["primary_language"] = lang.value if lang else None
    values["language_missing"] = (
        None
        if values["primary_language"]
        else _missing(p, "language", lang.missing if lang else None)
    )
    if lang:
        _flag(flags, "language", lang.flags)
        if "unmapped" in lang.flags:
            out.unmapped.add("language")
    out.parts["languages"] = (
        [
            {
                "language": lang.value,
                "is_primary": True,
                "needs_interpreter": p.needs_interpreter,
            }
        ]
        if lang and lang.value
        else []
    )


def _contact(
    p: PersonIn, values: dict[str, Any], flags: dict[str, list[str]], out: StdPerson
) -> None:
    ssn = standardize_ssn(p.ssn)
    values["ssn"] = ssn.value
    values["ssn_last4"] = ssn.last4
    values["ssn_missing"] = None if (ssn.value or ssn.last4) else _missing(p, "ssn", ssn.missing)
    _flag(flags, "ssn", ssn.flags)
    phones = []
    for i, raw in enumerate(p.phones):
        ph = standardize_phone(raw)
        _flag(flags, "phone", ph.flags)
        if ph.value or raw.strip():
            phones.append(
                {
                    "kind": PhoneKind.HOME if i == 0 else PhoneKind.OTHER,
                    "e164": ph.value,
                    "raw": raw[:50],
                }
            )
    values["phone"] = next((x["e164"] for x in phones if x["e164"]), None)
    out.parts["phones"] = phones
    has_address = any((p.address, p.street, p.unit, p.city, p.state, p.zip))
    addresses = []
    geo: dict[str, Any] = {"borough": None, "community_district": None}
    if has_address:
        addr = standardize_address(
            p.address if not p.street else None,
            street=p.street,
            unit=p.unit,
            city=p.city,
            state=p.state,
            zip_code=p.zip,
        )
        _flag(flags, "address", addr.flags)
        info = enrich_zip(addr.zip5) if addr.zip5 else None
        geo = {
            "borough": info.borough if info else None,
            "community_district": info.community_district if info else None,
        }
        city = addr.city or (standardize_name(p.city).value if p.city else None)
        city = city or (info.city if info else None)
        raw = ", ".join(x for x in (p.address, p.street, p.unit, p.city, p.state, p.zip) if x)
        addresses.append(
            {
                "street": addr.street,
                "unit": addr.unit,
                "city": city,
                "state": addr.state,
                "zip5": addr.zip5,
                **geo,
                "latitude": info.latitude if info else None,
                "longitude": info.longitude if info else None,
                "raw": raw[:500],
            }
        )
        values.update(street=addr.street, unit=addr.unit, city=city, state=addr.state)
        values["zip5"] = addr.zip5
    else:
        values.update(street=None, unit=None, city=None, state=None, zip5=None)
    values.update(geo)
    out.parts["addresses"] = addresses
    idents = []
    for kind, value in sorted(p.identifiers.items()):
        v = value.strip()
        if not v:
            continue
        try:
            k = IdentifierKind(kind)
        except ValueError:
            k = IdentifierKind.OTHER
        if len(v) > 100:
            out.problems.append((kind, f"identifier is {len(v)} characters (limit 100)"))
            continue
        idents.append(
            {"kind": k, "value": v, "issuer": None if k is not IdentifierKind.OTHER else kind}
        )
    out.parts["identifiers"] = idents


def standardize_person(p: PersonIn) -> StdPerson:
    """Standardize every field of a person record; never raises."""
    values: dict[str, Any] = {}
    flags: dict[str, list[str]] = {k: list(v) for k, v in p.flags.items()}
    out = StdPerson(values=values, parts={}, flags=flags)
    _names(p, values, flags)
    out.parts["names"] = _aliases(p, values)
    _dob(p, values, flags, out.problems)
    _codes(p, values, flags, out)
    _contact(p, values, flags, out)
    for col, limit in LIMITS.items():
        v = values.get(col)
        if isinstance(v, str) and len(v) > limit:
            out.problems.append((col, f"value is {len(v):,} characters (limit {limit})"))
    if not (values.get("first_name") or values.get("last_name")):
        flags.setdefault("name", []).append("no_name")
    values["std_flags"] = {k: sorted(set(v)) for k, v in flags.items() if v}
    values["source_updated_at"] = p.updated_at
    return out
