"""Read, once per request, the facts about a person that agreement conditions test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, inspect, or_, select
from sqlalchemy.orm import Session

from openhhs.access.models import Consent, ConsentStatus
from openhhs.access.pdp import ConsentFact, PersonFacts
from openhhs.access.persons import (
    aliases_statement,
    person_aliases,
    record_agencies,
    source_person_ids,
    uses_cci_resolver,
)
from openhhs.db.columns import Read, execute_columns, fetch_together
from openhhs.model import Enrollment, SourcePerson
from openhhs.model.codes import EnrollmentStatus


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite returns naive datetimes; everything stored is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


# Statements run for every person-level request, built once: building a select per call (its
# expression, cache key and the match against the cached compilation's columns) cost more
# Python than running it. Parameters are bound by name; `ids` and `persons` expand to IN lists.
_IDS: BindParameter[int] = bindparam("ids", expanding=True)
_PERSONS: BindParameter[str] = bindparam("persons", expanding=True)
_TODAY: BindParameter[dt.date] = bindparam("today")
# an active, undeleted enrollment, open on `today`
_ACTIVE_ON = (
    Enrollment.status == EnrollmentStatus.ACTIVE,
    Enrollment.is_deleted.is_(False),
    or_(Enrollment.start_date.is_(None), Enrollment.start_date <= _TODAY),
    or_(Enrollment.end_date.is_(None), Enrollment.end_date >= _TODAY),
)
_ACTIVE_AGENCIES = (
    select(Enrollment.agency_id)
    .where(Enrollment.source_person_id.in_(_IDS), *_ACTIVE_ON)
    .distinct()
)
# columns, not entities: rows answer the attribute names `_consents_from` reads
_CONSENTS_OF = select(*(getattr(Consent, a.key) for a in inspect(Consent).column_attrs)).where(
    Consent.person_id.in_(_PERSONS)
)


@cache
def _index_statements() -> tuple[Select[str, str | None], Select[int, str, str], Select[int, str]]:
    """On the index's tables, for Enterprise IDs `persons`: (the ids and what they were merged
    into; the live linked records with their agencies; the linked records' enrollments active
    on `today`). Built on first use: the index is imported lazily (it may be absent). The
    last two select the records by their links, so all three go in one round trip."""
    from openhhs.cci.models import EnterpriseId, Link
    from openhhs.cci.registry import live_member_ids

    linked_live = live_member_ids(Link.enterprise_id.in_(_PERSONS))
    return (
        select(EnterpriseId.id, EnterpriseId.merged_into).where(
            or_(EnterpriseId.id.in_(_PERSONS), EnterpriseId.merged_into.in_(_PERSONS))
        ),
        select(Link.source_person_id, Link.enterprise_id, SourcePerson.agency_id)
        .join(SourcePerson, SourcePerson.id == Link.source_person_id)
        .where(Link.enterprise_id.in_(_PERSONS), SourcePerson.is_deleted.is_(False)),
        select(Enrollment.source_person_id, Enrollment.agency_id)
        .where(Enrollment.source_person_id.in_(linked_live), *_ACTIVE_ON)
        .distinct(),
    )


def is_active_on(
    status: EnrollmentStatus,
    is_deleted: bool,
    start: dt.date | None,
    end: dt.date | None,
    on: dt.date,
) -> bool:
    """`_ACTIVE_ON` for an enrollment already read (the same condition, in Python)."""
    return (
        status == EnrollmentStatus.ACTIVE
        and not is_deleted
        and (start is None or start <= on)
        and (end is None or end >= on)
    )


def facts_for_records(
    person_id: str,
    owners: Mapping[int, str],
    enrollments: Iterable[tuple[int, str, EnrollmentStatus, bool, dt.date | None, dt.date | None]],
    consents: tuple[ConsentFact, ...],
    *,
    at: dt.datetime,
) -> PersonFacts:
    """`load_facts` from records a view has read already (the snapshot reads all of them).

    `owners`: every live source record of the person (id -> agency), as `record_agencies`
    gives for the index's members of `person_id`; `enrollments`: (source person id, agency,
    status, is_deleted, start, end) of at least every undeleted enrollment of those records;
    `consents`: `consents_from_reads` of the same person. The caller must have resolved
    `person_id` through the index (`uses_cci_resolver`); the facts are then those
    `load_facts` reads.
    """
    on = at.date()
    active = frozenset(
        agency
        for sp_id, agency, status, deleted, start, end in enrollments
        if sp_id in owners and is_active_on(status, deleted, start, end, on)
    )
    return PersonFacts(
        person_id=person_id,
        record_agencies=frozenset(owners.values()),
        active_case_agencies=active,
        consents=consents,
    )


def consent_reads(person_id: str) -> list[Read]:
    """The reads `consents_from_reads` needs, for a caller that sends them with its own: the
    id's aliases, and the consents recorded under the id itself."""
    return [(aliases_statement(), {"person": person_id}), (_CONSENTS_OF, {"persons": [person_id]})]


def consents_from_reads(
    session: Session,
    person_id: str,
    alias_rows: Sequence[Any],
    consent_rows: Sequence[Any],
    *,
    at: dt.datetime,
) -> tuple[ConsentFact, ...]:
    """`consents_in_effect` from the rows of `consent_reads`. When the id has aliases (it was
    merged, or others were merged into it: rare), consent may have been recorded under any of
    them, and they are read the long way."""
    if all(r[0] == person_id and r[1] is None for r in alias_rows):
        return _consents_from(consent_rows, at)
    return consents_in_effect(session, person_id, at=at)


def load_facts(session: Session, person_id: str, *, at: dt.datetime) -> PersonFacts:
    ids = source_person_ids(session, person_id)
    owners = record_agencies(session, ids)
    active: frozenset[str] = frozenset()
    if owners:
        today = at.date()
        rows = execute_columns(
            session, _ACTIVE_AGENCIES, {"ids": list(owners), "today": today}
        ).scalars()
        active = frozenset(rows)
    return PersonFacts(
        person_id=person_id,
        record_agencies=frozenset(owners.values()),
        active_case_agencies=active,
        consents=consents_in_effect(session, person_id, at=at),
    )


def load_facts_many(
    session: Session, person_ids: Sequence[str], *, at: dt.datetime
) -> dict[str, PersonFacts]:
    """`load_facts` for a page of persons in one round trip instead of five per person.

    Only the common case is batched: an active Enterprise ID that nothing was merged into,
    resolved by the Common Client Index. Any other id (an alias, a survivor of a merge, an
    unknown id, or a plugged-in resolver) goes through `load_facts` on its own, so the facts
    are the same either way.
    """
    wanted = list(dict.fromkeys(person_ids))
    out: dict[str, PersonFacts] = {}
    simple: list[str] = []
    if wanted and uses_cci_resolver():
        ids_and_merges, linked, active_of_linked = _index_statements()
        persons = {"persons": wanted}
        rows, links, active_rows, consent_rows = fetch_together(
            session,
            [
                (ids_and_merges, persons),
                (linked, persons),
                (active_of_linked, {**persons, "today": at.date()}),
                (_CONSENTS_OF, persons),
            ],
        )
        plain = {r[0] for r in rows if r[1] is None}
        has_alias = {r[1] for r in rows if r[1] is not None}
        simple = [p for p in wanted if p in plain and p not in has_alias]
        owners: dict[str, dict[int, str]] = {p: {} for p in simple}
        for sp_id, eid, agency in links:
            if eid in owners:
                owners[eid][sp_id] = agency
        active: dict[int, set[str]] = {}
        for sp_id, agency in active_rows:
            active.setdefault(sp_id, set()).add(agency)
        consents: dict[str, list[Any]] = {p: [] for p in simple}
        for c in consent_rows:
            if c.person_id in consents:
                consents[c.person_id].append(c)
        for p in simple:
            live = owners[p]
            out[p] = PersonFacts(
                person_id=p,
                record_agencies=frozenset(live.values()),
                active_case_agencies=frozenset(a for i in live for a in active.get(i, ())),
                consents=_consents_from(consents[p], at),
            )
    for p in wanted:
        if p not in out:
            out[p] = load_facts(session, p, at=at)
    return out


def consents_in_effect(
    session: Session, person_id: str, *, at: dt.datetime
) -> tuple[ConsentFact, ...]:
    """Given consents not withdrawn (by a later row) and not expired at `at`."""
    ids = person_aliases(session, person_id)
    rows = list(execute_columns(session, _CONSENTS_OF, {"persons": ids}))
    return _consents_from(rows, at)


def _consents_from(rows: Sequence[Any], at: dt.datetime) -> tuple[ConsentFact, ...]:
    withdrawn = {
        r.withdraws_id
        for r in rows
        if r.status is ConsentStatus.WITHDRAWN and (_aware(r.effective_at) or at) <= at
    }
    out = []
    for r in rows:
        if r.status is not ConsentStatus.GIVEN or r.id in withdrawn:
            continue
        given, expires = _aware(r.effective_at), _aware(r.expires_at)
        assert given is not None
        if given > at or (expires is not None and expires <= at):
            continue
        out.append(
            ConsentFact(
                consent_id=r.id,
                categories=frozenset(r.categories),
                elements=tuple(r.elements),
                documents=frozenset(str(d) for d in r.documents),
                recipients=frozenset(r.recipient_agencies),
                purposes=frozenset(r.purposes),
                source_agencies=frozenset(r.source_agencies),
                given_at=given,
                expires_at=expires,
            )
        )
    return tuple(out)
