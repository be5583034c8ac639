"""The one enforcement function: every person-level response passes through `enforce`.

It walks a payload of the shape below, asks the decision point about each element, replaces what
is not granted with a redaction marker saying why, and audits what was returned and what was
denied. Anything it does not recognise is removed: deny by default applies to shapes too.

Payload shape (everything optional)::

    {
      "person_id": "...",                       # kept as is
      "person": {"name": ..., "dob": ...,        # element person.<key>
                 "_sources": {"ssn_last4": ["HRA"]}},  # optional provenance of golden values
      "household": {"members": [...], ...},      # element household.<key>
      "enrollments": [{"agency": "HRA", "categories": [], "id": 1,
                       "program": ..., "status": ..., "dates": ..., "case_number": ...,
                       "worker_contact": ...}],  # element enrollment.<key>, per field
      "events": [{"agency": "DHS", "type": "shelter_entry", ...}],      # event.<group>, whole item
      "alerts": [{"agency": "DHS", "type": "shelter_entry", ...}],      # as events
      "documents": [{"agency": "HRA", "doc_type": "lease", "id": 7, ...}],  # document.<type>
      "records": [{"agency": "DHS", ...}]        # source.raw: the owning agency's users only
    }

Items of a consent-protected category (mental health, substance use, HIV, child welfare) that are
denied are dropped without a marker: a marker would itself disclose that such a record exists.
Another agency's raw records are dropped the same way (LL75 Rec. 1a: only the agency sees them).
A golden-record field with `_sources` provenance is shown only if one of the agencies that supplied
it may share it with the caller (without provenance, any agency holding a record of the person).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from openhhs.access._audit import emit, emitting_many, event_for
from openhhs.access.agreement import item_categories
from openhhs.access.facts import load_facts, load_facts_many
from openhhs.access.pdp import Decision, PersonFacts, evaluate
from openhhs.access.policy import Policy
from openhhs.access.principal import Principal
from openhhs.access.store import current_policy
from openhhs.access.vocab import CONSENT_CATEGORIES, is_known_element
from openhhs.model.codes import EventType, SensitiveCategory

STRUCTURAL_KEYS = frozenset({"person_id", "enterprise_id"})
UNCATALOGUED = "(uncatalogued)"
SOURCES_KEY = "_sources"  # in "person"/"household": {field: [agencies that supplied the value]}
ITEM_KEYS = frozenset({"agency", "categories", "id"})  # describe an item; not data elements

EVENT_ELEMENTS: dict[str, str] = {
    EventType.CASE_OPENED: "event.case",
    EventType.CASE_CLOSING: "event.case",
    EventType.CASE_CLOSED: "event.case",
    EventType.SHELTER_ENTRY: "event.shelter",
    EventType.SHELTER_EXIT: "event.shelter",
    EventType.JAIL_BOOKING: "event.jail",
    EventType.JAIL_RELEASE: "event.jail",
    EventType.PLACEMENT: "event.placement",
    EventType.PLACEMENT_END: "event.placement",
    EventType.MH_SERVICE: "event.mental_health",
    EventType.MOVE: "event.move",
    EventType.SCHOOL_ENROLLMENT: "event.school",
    EventType.SCHOOL_EXIT: "event.school",
    EventType.BENEFIT_APPLICATION: "event.benefit_application",
    EventType.HOSPITAL_DISCHARGE: "event.hospital",
    EventType.DEATH: "event.death",
}


# session.info key: the policy the request's purpose was checked against (`deps`), reused by
# its enforcement so one request reads the agreements once and decides by one version of them.
REQUEST_POLICY = "openhhs.access.request_policy"


def request_policy(session: Session) -> Policy:
    """The request's policy when `deps.require_purpose` read it in this session, else current."""
    policy = session.info.get(REQUEST_POLICY)
    return policy if isinstance(policy, Policy) else current_policy(session)


def redacted(reason: str) -> dict[str, Any]:
    """The marker that stands where a value was withheld."""
    return {"redacted": True, "reason": reason}


def is_redacted(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get("redacted") is True and "reason" in value


@dataclass
class Enforced:
    payload: dict[str, Any]
    returned: set[str] = field(default_factory=set)
    denied: dict[str, str] = field(default_factory=dict)  # element -> first reason (shown)
    # denied without a marker (protected categories, other agencies' raw records): audited only,
    # never shown, since even the element name would disclose that such a record exists
    withheld: dict[str, str] = field(default_factory=dict)
    agreement_ids: set[str] = field(default_factory=set)
    decisions: list[tuple[str, Decision]] = field(default_factory=list)  # (path, decision)


class _Walker:
    def __init__(
        self,
        policy: Policy,
        principal: Principal,
        purpose: str,
        facts: PersonFacts,
        at: dt.datetime,
        out: Enforced,
    ) -> None:
        self.policy, self.principal, self.purpose, self.facts, self.at = (
            policy,
            principal,
            purpose,
            facts,
            at,
        )
        self.out = out
        self._memo: dict[tuple[Any, ...], Decision] = {}

    def decide(
        self,
        path: str,
        element: str,
        provider: str | None,
        categories: frozenset[SensitiveCategory],
        document_id: str | None = None,
    ) -> Decision:
        key = (element, provider, categories, document_id)
        d = self._memo.get(key)
        if d is None:
            d = evaluate(
                self.policy,
                self.principal,
                self.purpose,
                element,
                self.facts,
                at=self.at,
                provider=provider,
                categories=categories,
                document_id=document_id,
            )
            self._memo[key] = d
        return d

    def note(self, path: str, element: str, d: Decision, *, silent: bool = False) -> None:
        # names outside the catalogue come from the caller's payload: never echo them (audit,
        # logs, responses) since they may hold anything, NUL bytes and personal data included
        element = element if is_known_element(element) else UNCATALOGUED
        self.out.decisions.append((path, d))
        if d.allow:
            self.out.returned.add(element)
            if d.agreement_id:
                self.out.agreement_ids.add(d.agreement_id)
        elif silent:
            self.out.withheld.setdefault(element, d.reason)
        else:
            self.out.denied.setdefault(element, d.reason)

    def fields(self, section: str, data: Any, provider: str | None) -> Any:
        if not isinstance(data, Mapping):
            return redacted("not a catalogued data element")
        sources = data.get(SOURCES_KEY)
        sources = sources if isinstance(sources, Mapping) else {}
        result: dict[str, Any] = {}
        for key, value in data.items():
            if key == SOURCES_KEY:
                continue
            element = f"{section}.{key}"
            d: Decision | None = None
            # a golden value is shown when one agency that supplied it may share it with you
            for src in _agencies(sources.get(key)) or [provider]:
                d = self.decide(f"{section}.{key}", element, src, frozenset())
                if d.allow:
                    break
            assert d is not None
            self.note(f"{section}.{key}", element, d)
            result[key] = value if d.allow else redacted(d.reason)
        return result

    def enrollment(self, i: int, item: Any) -> Any:
        if not isinstance(item, Mapping):
            return None
        provider, cats = _provider(item), _categories(item)
        if provider is None:
            return redacted("record has no owning agency")
        kept: dict[str, Any] = {k: item[k] for k in ITEM_KEYS if k in item and k != "categories"}
        seen: list[tuple[str, str, Decision]] = []
        for key, value in item.items():
            if key in ITEM_KEYS:
                continue
            d = self.decide(f"enrollments[{i}].{key}", f"enrollment.{key}", provider, cats)
            seen.append((f"enrollments[{i}].{key}", f"enrollment.{key}", d))
            kept[key] = value if d.allow else redacted(d.reason)
        any_granted = any(d.allow for _, _, d in seen)
        silent = not any_granted and _protected(
            item_categories("enrollment.program", provider) | cats
        )
        for path, element, d in seen:
            self.note(path, element, d, silent=silent)
        if any_granted:
            return kept
        return None if silent else redacted(_first_reason(kept))

    def whole(
        self,
        path: str,
        element: str,
        item: Mapping[str, Any],
        document_id: Any,
        *,
        silent: bool = False,
    ) -> Any:
        provider, cats = _provider(item), _categories(item)
        if provider is None:
            return redacted("record has no owning agency")
        doc_id = str(document_id) if document_id is not None else None
        d = self.decide(path, element, provider, cats, doc_id)
        silent = not d.allow and (silent or _protected(item_categories(element, provider) | cats))
        self.note(path, element, d, silent=silent)
        if d.allow:
            return {k: v for k, v in item.items() if k != "categories"}
        return None if silent else redacted(d.reason)


def _agencies(value: Any) -> list[str | None]:
    if isinstance(value, str) and value:
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str) and v]
    return []


def _provider(item: Mapping[str, Any]) -> str | None:
    value = item.get("agency")
    return value if isinstance(value, str) and value else None


def _categories(item: Mapping[str, Any]) -> frozenset[SensitiveCategory]:
    out = set()
    for c in item.get("categories") or ():
        try:
            out.add(SensitiveCategory(c))
        except ValueError:
            continue
    return frozenset(out)


def _protected(cats: frozenset[SensitiveCategory]) -> bool:
    return any(c in CONSENT_CATEGORIES for c in cats)


def _first_reason(item: Mapping[str, Any]) -> str:
    for v in item.values():
        if is_redacted(v):
            return str(v["reason"])
    return "not shared with you under any agreement"


def _element_of_event(item: Mapping[str, Any]) -> str:
    return EVENT_ELEMENTS.get(str(item.get("type")), "event.unknown")


def enforce(
    principal: Principal,
    purpose: str,
    person_id: str,
    payload: Mapping[str, Any],
    *,
    session: Session,
    at: dt.datetime | None = None,
    request_id: str | None = None,
    action: str = "person:read",
    policy: Policy | None = None,
    facts: PersonFacts | None = None,
    commit: bool = True,
) -> Enforced:
    """Filter one person-level payload for `principal` and `purpose`, and audit the result.

    The audit entries are written in `session`, which is committed (so the record of the read is
    durable before the data leaves) unless `commit=False`, for callers inside a larger transaction
    they commit themselves.
    """
    out = _filter(
        principal, purpose, person_id, payload, session=session, at=at, policy=policy, facts=facts
    )
    _audit(session, principal, purpose, person_id, out, request_id, action)
    if commit:
        session.commit()
    return out


def _filter(
    principal: Principal,
    purpose: str,
    person_id: str,
    payload: Mapping[str, Any],
    *,
    session: Session,
    at: dt.datetime | None,
    policy: Policy | None,
    facts: PersonFacts | None,
) -> Enforced:
    """The decisions of `enforce` without its audit entries (reads only, takes no lock)."""
    at = at or dt.datetime.now(dt.UTC)
    policy = policy or request_policy(session)
    if facts is None or facts.person_id != person_id:
        facts = load_facts(session, person_id, at=at)
    out = Enforced(payload={})
    w = _Walker(policy, principal, purpose, facts, at, out)
    result: dict[str, Any] = {}
    for section, value in payload.items():
        if section in STRUCTURAL_KEYS:
            result[section] = value
        elif section in ("person", "household"):
            provider = (
                value.get("agency")
                if section == "household" and isinstance(value, Mapping)
                else None
            )
            data = (
                {k: v for k, v in value.items() if k != "agency"}
                if isinstance(value, Mapping)
                else value
            )
            result[section] = w.fields(
                section, data, provider if isinstance(provider, str) else None
            )
        elif section == "enrollments" and isinstance(value, list):
            items = (w.enrollment(i, it) for i, it in enumerate(value))
            result[section] = [it for it in items if it is not None]
        elif section in ("events", "alerts") and isinstance(value, list):
            items = (
                w.whole(f"{section}[{i}]", _element_of_event(it), it, None)
                if isinstance(it, Mapping)
                else None
                for i, it in enumerate(value)
            )
            result[section] = [it for it in items if it is not None]
        elif section == "documents" and isinstance(value, list):
            items = (
                w.whole(f"documents[{i}]", f"document.{it.get('doc_type')}", it, it.get("id"))
                if isinstance(it, Mapping)
                else None
                for i, it in enumerate(value)
            )
            result[section] = [it for it in items if it is not None]
        elif section == "records" and isinstance(value, list):
            items = (
                w.whole(f"records[{i}]", "source.raw", it, None, silent=True)
                if isinstance(it, Mapping)
                else None
                for i, it in enumerate(value)
            )
            result[section] = [it for it in items if it is not None]
        else:
            out.denied.setdefault(UNCATALOGUED, "not a catalogued data element")
            result[section] = redacted("not a catalogued data element")
    out.payload = result
    return out


def _audit(
    session: Session,
    principal: Principal,
    purpose: str,
    person_id: str,
    out: Enforced,
    request_id: str | None,
    action: str,
) -> None:
    if out.returned:
        emit(
            session,
            event_for(
                principal,
                action,
                "success",
                purpose=purpose,
                person_id=person_id,
                elements=tuple(sorted(out.returned)),
                agreement_ids=tuple(sorted(out.agreement_ids)),
                request_id=request_id,
            ),
        )
    if out.denied or out.withheld or not out.returned:
        emit(
            session,
            event_for(
                principal,
                action,
                "denied",
                purpose=purpose,
                person_id=person_id,
                elements=tuple(sorted(set(out.denied) | set(out.withheld))),
                reason="; ".join(sorted(set(out.denied.values()) | set(out.withheld.values())))[
                    :2000
                ]
                or "nothing requested",
                request_id=request_id,
            ),
        )


def enforce_many(
    principal: Principal,
    purpose: str,
    items: Iterable[tuple[str, Mapping[str, Any]]],
    *,
    session: Session,
    at: dt.datetime | None = None,
    request_id: str | None = None,
    action: str = "person:search",
) -> list[Enforced]:
    """`enforce` for a page of results (search, caseload): one policy read and one commit.

    Each person still gets their own audit entries (who looked at whom), written in one
    transaction instead of one per result. Every person is decided first and the entries are
    appended afterwards, so the audit chain's lock (taken by the first entry, held until the
    commit) is not held while the facts of the other persons are read: holding it through
    the reads serialized concurrent searches.
    """
    at = at or dt.datetime.now(dt.UTC)
    policy = request_policy(session)
    items = list(items)
    facts = load_facts_many(session, [person_id for person_id, _payload in items], at=at)
    pages = [
        (
            person_id,
            _filter(
                principal,
                purpose,
                person_id,
                payload,
                session=session,
                at=at,
                policy=policy,
                facts=facts.get(person_id),
            ),
        )
        for person_id, payload in items
    ]
    with emitting_many(session):
        for person_id, enforced in pages:
            _audit(session, principal, purpose, person_id, enforced, request_id, action)
    session.commit()
    return [enforced for _person_id, enforced in pages]
