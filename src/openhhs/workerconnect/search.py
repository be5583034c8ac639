"""Person search: standardize criteria, fetch candidates by selective keys, rank, group by person.

Search-first, never browse-all (PRODUCT.md §2.6): a query must be selective enough (see
`selectivity`) or it is refused. Candidates come only from indexed equality look-ups (last name,
date of birth, SSN last 4, phone, the caller's own case numbers); ranking is a small, explainable
score in Python. Results are raw here; the caller passes every shown element through `enforce`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rapidfuzz.distance import JaroWinkler
from sqlalchemy import ColumnElement, Select, bindparam, false, or_, select, text
from sqlalchemy.orm import Session

from openhhs.db.columns import execute_columns
from openhhs.errors import InvalidInput
from openhhs.model import Enrollment, PersonIdentifier, SourcePerson
from openhhs.model.codes import IdentifierKind
from openhhs.standardize import standardize_date, standardize_name, standardize_phone

MIN_SELECTIVITY = 3
MAX_CANDIDATES = 5000
MAX_PAGE_SIZE = 50
MIN_SCORE = 0.65  # rank drops records below this (see `rank`)
FIRST_NAME_SIMILAR = 0.88  # Jaro-Winkler similarity of a near first name

# How much each criterion narrows the population; a query needs MIN_SELECTIVITY in total.
# A last name alone (2) is not enough; last name + first name, name + date of birth, a phone
# number or a case number are.
# Points of each criterion in `score` (the rank is the share of the points of what was given).
_WEIGHTS = {"last": 3, "first": 2, "dob": 3, "ssn4": 2, "phone": 3, "case": 5}
_SELECTIVITY = {"last": 2, "first": 1, "dob": 2, "ssn4": 1, "phone": 3, "case": 3}


@dataclass(frozen=True)
class SearchCriteria:
    """What a worker typed; any may be empty."""

    first_name: str | None = None
    last_name: str | None = None
    dob: str | None = None
    ssn_last4: str | None = None
    phone: str | None = None
    case_number: str | None = None


@dataclass(frozen=True)
class StdCriteria:
    first: str | None = None
    first_canonical: str | None = None
    last: str | None = None
    dob: dt.date | None = None
    ssn4: str | None = None
    phone: str | None = None
    case: str | None = None

    def given(self) -> list[str]:
        pairs = [
            ("first", self.first),
            ("last", self.last),
            ("dob", self.dob),
            ("ssn4", self.ssn4),
            ("phone", self.phone),
            ("case", self.case),
        ]
        return [k for k, v in pairs if v]


@dataclass(frozen=True)
class Candidate:
    """The standardized values of one source record that ranking compares."""

    id: int
    agency: str
    first: str | None
    first_canonical: str | None
    last: str | None
    dob: dt.date | None
    ssn4: str | None
    phone: str | None


@dataclass
class PersonHit:
    """One person (Enterprise ID) in the results, with the record that matched best."""

    enterprise_id: str
    score: float
    matched: list[str]
    best_record_id: int
    record_ids: list[int] = field(default_factory=list)
    best: Candidate | None = None  # the best record's values (its name and DOB are shown)


@dataclass(frozen=True)
class SearchPage:
    hits: list[PersonHit]
    total: int
    page: int
    page_size: int


_CASE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,63}$")


def standardize_criteria(c: SearchCriteria) -> StdCriteria:
    """Clean the criteria the way ingest cleaned the records; refuse values that cannot match."""
    problems: dict[str, str] = {}
    first = standardize_name(c.first_name, "given") if _has(c.first_name) else None
    last = standardize_name(c.last_name, "surname") if _has(c.last_name) else None
    dob = None
    if _has(c.dob):
        d = standardize_date(c.dob)
        if d.value is None:
            problems["dob"] = "not a valid date of birth (use YYYY-MM-DD)"
        dob = d.value
    ssn4 = None
    if _has(c.ssn_last4):
        ssn4 = re.sub(r"\D", "", str(c.ssn_last4))
        if len(ssn4) != 4:
            problems["ssn_last4"] = "must be exactly 4 digits"
    phone = None
    if _has(c.phone):
        p = standardize_phone(c.phone)
        if p.value is None:
            problems["phone"] = "not a valid phone number"
        phone = p.value
    case = None
    if _has(c.case_number):
        case = str(c.case_number).strip()
        if not _CASE.match(case):
            problems["case_number"] = "letters, digits and . _ / - only, at most 64"
    if problems:
        raise InvalidInput("Some search criteria are not valid.", details=problems)
    return StdCriteria(
        first=first.value if first else None,
        first_canonical=(first.canonical or first.value) if first else None,
        last=last.value if last else None,
        dob=dob,
        ssn4=ssn4,
        phone=phone,
        case=case,
    )


def selectivity(q: StdCriteria) -> int:
    return sum(_SELECTIVITY[k] for k in q.given())


def require_selective(q: StdCriteria) -> None:
    if selectivity(q) < MIN_SELECTIVITY:
        raise InvalidInput(
            "Search is too broad: give a last name with a first name or date of birth, "
            "a date of birth with a first name or SSN last 4, a phone, or a case number.",
            details={"given": q.given(), "needed": MIN_SELECTIVITY, "had": selectivity(q)},
        )


def score(q: StdCriteria, c: Candidate, case_hit: bool = False) -> tuple[float, list[str]]:
    """A 0..1 rank of one record against the criteria, and which criteria it satisfied."""
    got, possible = 0.0, 0.0
    matched: list[str] = []
    if q.last:
        possible += _WEIGHTS["last"]
        if c.last == q.last:
            got, matched = got + 3, [*matched, "last_name"]
        elif c.last and JaroWinkler.similarity(q.last, c.last) >= 0.9:
            got, matched = got + 2, [*matched, "last_name~"]
        elif c.last and (set(q.last.split()) & set(c.last.split())):
            got, matched = got + 2, [*matched, "last_name_part"]
    if q.first:
        possible += _WEIGHTS["first"]
        if c.first == q.first or (c.first_canonical and c.first_canonical == q.first_canonical):
            got, matched = got + 2, [*matched, "first_name"]
        elif c.first and JaroWinkler.similarity(q.first, c.first) >= FIRST_NAME_SIMILAR:
            got, matched = got + 1.2, [*matched, "first_name~"]
        elif c.first and len(q.first) == 1 and c.first.startswith(q.first):
            got, matched = got + 0.8, [*matched, "first_initial"]
    if q.dob:
        possible += _WEIGHTS["dob"]
        if c.dob == q.dob:
            got, matched = got + 3, [*matched, "dob"]
        elif (
            c.dob
            and c.dob.year == q.dob.year
            and (c.dob.month, c.dob.day)
            == (
                q.dob.day,
                q.dob.month,
            )
        ):
            got, matched = got + 1.5, [*matched, "dob_swapped"]
        elif c.dob and c.dob.year == q.dob.year:
            got, matched = got + 0.5, [*matched, "dob_year"]
    if q.ssn4:
        possible += _WEIGHTS["ssn4"]
        if c.ssn4 == q.ssn4:
            got, matched = got + 2, [*matched, "ssn_last4"]
    if q.phone:
        possible += _WEIGHTS["phone"]
        if c.phone == q.phone:
            got, matched = got + 3, [*matched, "phone"]
    if q.case:
        possible += _WEIGHTS["case"]
        if case_hit:
            got, matched = got + 5, [*matched, "case_number"]
    return (round(got / possible, 4) if possible else 0.0), matched


def candidates(
    session: Session, q: StdCriteria, agency: str
) -> tuple[list[Candidate], set[int], dict[int, str]]:
    """Records reachable through indexed keys; the ids matched by the caller's case number;
    the Enterprise ID of each linked record (read in the same query: a common surname has
    thousands of candidates, and looking their links up afterwards took most of a search).
    """
    if q.last and q.first and not (q.dob or q.phone or q.case) and first_name_required(q):
        return _by_surname_and_first_name(session, q)
    conds = []
    if q.last:
        conds.append(SourcePerson.last_name == q.last)
    if q.dob:
        conds.append(SourcePerson.dob == q.dob)
    if q.phone:
        conds.append(SourcePerson.phone == q.phone)
    if q.ssn4 and not (q.last or q.dob or q.phone):
        conds.append(SourcePerson.ssn_last4 == q.ssn4)
    case_ids: set[int] = set()
    if q.case:
        # case numbers are the caller's agency's own: another agency's numbers find nothing
        case_ids |= set(
            session.scalars(
                select(Enrollment.source_person_id).where(
                    Enrollment.agency_id == agency,
                    Enrollment.case_number == q.case,
                    Enrollment.is_deleted.is_(False),
                )
            )
        )
        case_ids |= set(
            session.scalars(
                select(PersonIdentifier.source_person_id)
                .join(SourcePerson, SourcePerson.id == PersonIdentifier.source_person_id)
                .where(
                    PersonIdentifier.kind == IdentifierKind.CASE_NUMBER,
                    PersonIdentifier.value == q.case,
                    SourcePerson.agency_id == agency,
                )
            )
        )
        if case_ids:
            conds.append(SourcePerson.id.in_(sorted(case_ids)))
    if not conds:
        return [], case_ids, {}
    where = [or_(*conds), SourcePerson.is_deleted.is_(False)]
    if q.first and first_name_required(q):
        pairs = execute_columns(  # plain columns: no ORM row processing
            session,
            select(SourcePerson.first_name, SourcePerson.first_name_canonical)
            .where(or_(*conds))
            .distinct(),
        ).all()  # fetched at once: row-by-row iteration of a common surname's names cost more
        keep, canonical = passing_first_names(q, pairs)
        first_conds: list[ColumnElement[bool]] = []
        if keep:
            first_conds.append(SourcePerson.first_name.in_(keep))
        if canonical:
            first_conds.append(SourcePerson.first_name_canonical == canonical)
        where.append(or_(*first_conds) if first_conds else false())
    rows = execute_columns(session, _candidates_statement().where(*where)).all()
    cands, eid_of = _from_rows(rows)
    return cands, case_ids, eid_of


@cache
def _candidates_statement() -> Select[*tuple[Any, ...]]:
    """Plain columns, so past the ORM's row processing (thousands of rows for a common surname),
    with each record's Enterprise ID (the index is imported lazily: it may be absent)."""
    from openhhs.cci.models import Link

    return (
        select(
            SourcePerson.id,
            SourcePerson.agency_id,
            SourcePerson.first_name,
            SourcePerson.first_name_canonical,
            SourcePerson.last_name,
            SourcePerson.dob,
            SourcePerson.ssn_last4,
            SourcePerson.phone,
            Link.enterprise_id,
        )
        .outerjoin(Link, Link.source_person_id == SourcePerson.id)
        .limit(MAX_CANDIDATES)
    )


@cache
def _surname_statements() -> tuple[Select[str | None, str | None], Select[*tuple[Any, ...]]]:
    """The search by first and last name (the common one), built once: building its select per
    request (expressions, cache key) cost more Python than SQLite's work for it. The distinct
    first names of the surname, and its records with one of the passing first names (or,
    for a record without one, the canonical first name)."""
    surname = SourcePerson.last_name == bindparam("last")
    return (
        select(SourcePerson.first_name, SourcePerson.first_name_canonical)
        .where(surname)
        .distinct(),
        _candidates_statement().where(
            surname,
            SourcePerson.is_deleted.is_(False),
            or_(
                SourcePerson.first_name.in_(bindparam("firsts", expanding=True)),
                SourcePerson.first_name_canonical == bindparam("canonical"),
            ),
        ),
    )


def _by_surname_and_first_name(
    session: Session, q: StdCriteria
) -> tuple[list[Candidate], set[int], dict[int, str]]:
    """`candidates` for a last name and a first name that must match (nothing else given)."""
    first_names, records = _surname_statements()
    sqlite = session.get_bind().dialect.name == "sqlite"
    pairs = execute_columns(
        session, _SQLITE_SURNAME_FIRST_NAMES if sqlite else first_names, {"last": q.last}
    ).all()
    keep, canonical = passing_first_names(q, pairs)
    if not keep and canonical is None:
        return [], set(), {}
    params = {"last": q.last, "firsts": keep, "canonical": canonical}
    cands, eid_of = _from_rows(execute_columns(session, records, params).all())
    return cands, set(), eid_of


def _from_rows(rows: Sequence[Any]) -> tuple[list[Candidate], dict[int, str]]:
    cands: list[Candidate] = []
    eid_of: dict[int, str] = {}
    for r in rows:
        cands.append(Candidate(*r[:8]))
        if r[8] is not None:
            eid_of[r[0]] = r[8]
    return cands, eid_of


def first_name_required(q: StdCriteria, min_score: float = MIN_SCORE) -> bool:
    """Whether a record whose first name does not match can still reach `min_score`.

    Its best possible score is every other criterion matched exactly; when that is below the
    threshold (last + first name: 3 of 5), `rank` would drop it, so it need not be fetched.
    """
    if not q.first:
        return False
    possible = sum(_WEIGHTS[k] for k in q.given())
    return (possible - _WEIGHTS["first"]) / possible < min_score


def first_name_matches(q: StdCriteria, first: str) -> bool:
    """The first-name tests of `score` that need only the record's first name."""
    assert q.first is not None
    return (
        first == q.first
        or JaroWinkler.similarity(q.first, first) >= FIRST_NAME_SIMILAR
        or (len(q.first) == 1 and first.startswith(q.first))
    )


# The distinct first names of a surname: SQLite's planner reads this through
# ix_source_person_name_dob (last_name, first_name, dob), even after ANALYZE, and then visits
# every row of the surname for its canonical first name: 24 ms for SMITH (5,572 records of the
# 100k city) against 3.5 ms from the covering index (0004). SQLAlchemy's SQLite dialect renders
# no index hints, hence the text. PostgreSQL chooses the covering index itself.
_SQLITE_SURNAME_FIRST_NAMES = text(
    "SELECT DISTINCT first_name, first_name_canonical FROM source_person "
    "INDEXED BY ix_source_person_last_agency_first WHERE last_name = :last"
)


def passing_first_names(
    q: StdCriteria, pairs: Iterable[tuple[str | None, str | None]]
) -> tuple[list[str], str | None]:
    """Of the distinct (first name, canonical first name) pairs among the candidates, the first
    names whose records can match `q`, and the canonical first name to fetch records without a
    first name by (None when none has one). The candidate query then asks for those names, so
    a common surname no longer brings thousands of rows into Python only to drop them; `rank`
    scores each record fetched."""
    keep: set[str] = set()
    nameless = False  # a canonical first name without a first name: not expected, still kept
    for first, canonical in pairs:
        by_canonical = canonical is not None and canonical == q.first_canonical
        if not first:
            nameless = nameless or by_canonical
        elif by_canonical or first_name_matches(q, first):
            keep.add(first)
    return sorted(keep), (q.first_canonical if nameless else None)


def rank(
    q: StdCriteria,
    cands: Iterable[Candidate],
    case_ids: set[int],
    eid_of: dict[int, str],
    *,
    min_score: float = MIN_SCORE,
) -> list[PersonHit]:
    """Score records, keep the best record per person, order by score then Enterprise ID.

    `min_score` drops records that match on little more than one criterion (a surname alone
    when a first name was given), so a common surname does not list half the city.
    """
    best: dict[str, PersonHit] = {}
    for c in cands:
        eid = eid_of.get(c.id)
        if eid is None:  # not linked yet: not addressable as a person
            continue
        s, matched = score(q, c, c.id in case_ids)
        if s < min_score:
            continue
        hit = best.get(eid)
        if hit is None:
            best[eid] = PersonHit(eid, s, matched, c.id, [c.id], c)
            continue
        hit.record_ids.append(c.id)
        if s > hit.score:
            hit.score, hit.matched, hit.best_record_id, hit.best = s, matched, c.id, c
    return sorted(best.values(), key=lambda h: (-h.score, h.enterprise_id))


def search(
    session: Session, criteria: SearchCriteria, agency: str, *, page: int = 1, page_size: int = 10
) -> SearchPage:
    """Ranked, paginated persons for the criteria (raw: the caller enforces what is shown)."""
    q = standardize_criteria(criteria)
    require_selective(q)
    page = max(1, page)
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    cands, case_ids, eid_of = candidates(session, q, agency)
    hits = rank(q, cands, case_ids, eid_of)
    start = (page - 1) * page_size
    return SearchPage(hits[start : start + page_size], len(hits), page, page_size)


def _has(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def _chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
