"""Read, once per request, the facts about a person that agreement conditions test."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from openhhs.access.models import Consent, ConsentStatus
from openhhs.access.pdp import ConsentFact, PersonFacts
from openhhs.access.persons import person_aliases, record_agencies, source_person_ids
from openhhs.model import Enrollment
from openhhs.model.codes import EnrollmentStatus


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite returns naive datetimes; everything stored is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def load_facts(session: Session, person_id: str, *, at: dt.datetime) -> PersonFacts:
    ids = source_person_ids(session, person_id)
    owners = record_agencies(session, ids)
    active: frozenset[str] = frozenset()
    if owners:
        today = at.date()
        rows = session.scalars(
            select(Enrollment.agency_id)
            .where(
                Enrollment.source_person_id.in_(list(owners)),
                Enrollment.status == EnrollmentStatus.ACTIVE,
                Enrollment.is_deleted.is_(False),
                or_(Enrollment.start_date.is_(None), Enrollment.start_date <= today),
                or_(Enrollment.end_date.is_(None), Enrollment.end_date >= today),
            )
            .distinct()
        )
        active = frozenset(rows)
    return PersonFacts(
        person_id=person_id,
        record_agencies=frozenset(owners.values()),
        active_case_agencies=active,
        consents=consents_in_effect(session, person_id, at=at),
    )


def consents_in_effect(
    session: Session, person_id: str, *, at: dt.datetime
) -> tuple[ConsentFact, ...]:
    """Given consents not withdrawn (by a later row) and not expired at `at`."""
    ids = person_aliases(session, person_id)
    rows = list(session.scalars(select(Consent).where(Consent.person_id.in_(ids))))
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
