"""The one policy decision point: may this principal see this element of this person, and why.

`evaluate` is pure (policy + facts in, decision out) so the matrix tests and the benchmark run
it without a database; `decide` loads the facts it needs and calls it. Deny is the default: an
element is shown only when the principal's own agency holds it, or an agreement in force grants it
to the principal's agency, role and purpose and every condition of that agreement holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from openhhs.access.agreement import item_categories
from openhhs.access.policy import Grant, Policy
from openhhs.access.principal import Principal
from openhhs.access.vocab import CONSENT_CATEGORIES, Purpose, expand_pattern, is_known_element
from openhhs.model.codes import SensitiveCategory

OWN_AGENCY = "own-agency"


@dataclass(frozen=True)
class Decision:
    allow: bool
    agreement_id: str | None
    reason: str
    element: str = ""

    def __bool__(self) -> bool:
        return self.allow


@dataclass(frozen=True)
class ConsentFact:
    """One consent in effect for a person (withdrawals already applied)."""

    consent_id: int
    categories: frozenset[str]
    elements: tuple[str, ...]
    documents: frozenset[str]
    recipients: frozenset[str]
    purposes: frozenset[str]
    source_agencies: frozenset[str]
    given_at: dt.datetime
    expires_at: dt.datetime | None

    def covers(
        self,
        *,
        recipient: str,
        purpose: str,
        provider: str,
        element: str,
        needed: frozenset[SensitiveCategory],
        document_id: str | None,
        at: dt.datetime,
    ) -> bool:
        if self.given_at > at or (self.expires_at is not None and self.expires_at <= at):
            return False
        if recipient not in self.recipients or purpose not in self.purposes:
            return False
        if self.source_agencies and provider not in self.source_agencies:
            return False
        if document_id is not None and document_id in self.documents:
            return True
        if any(element in expand_pattern(p) for p in self.elements):
            return True
        return bool(needed) and needed <= self.categories


@dataclass(frozen=True)
class PersonFacts:
    """What the conditions need to know about one person, read once per request."""

    person_id: str
    record_agencies: frozenset[str] = frozenset()  # agencies holding a record of the person
    active_case_agencies: frozenset[str] = frozenset()
    consents: tuple[ConsentFact, ...] = ()


@dataclass
class DecisionContext:
    """Where `decide` gets what it needs: a session, or preloaded policy and facts."""

    session: Session | None = None
    policy: Policy | None = None
    facts: PersonFacts | None = None
    provider: str | None = None  # agency owning the item; None: any agency holding a record
    categories: frozenset[SensitiveCategory] = field(default_factory=frozenset)
    document_id: str | None = None


# Failure stages, in order: the reason reported is that of the grant that got furthest.
_STAGES = ("element", "role", "purpose", "in_force", "category", "case", "consent")


def evaluate(
    policy: Policy,
    principal: Principal,
    purpose: str,
    element: str,
    facts: PersonFacts,
    *,
    at: dt.datetime,
    provider: str | None = None,
    categories: frozenset[SensitiveCategory] = frozenset(),
    document_id: str | None = None,
) -> Decision:
    """Decide one element for one principal and purpose, from preloaded policy and facts."""
    if not is_known_element(element):
        return Decision(False, None, f"{element!r} is not a catalogued data element", element)
    try:
        purpose_v = Purpose(purpose)
    except ValueError:
        return Decision(False, None, f"{purpose!r} is not a recognized purpose", element)

    providers = frozenset({provider}) if provider else facts.record_agencies
    if principal.agency in providers and purpose_v in principal.own_agency_purposes():
        return Decision(True, OWN_AGENCY, f"your agency's ({principal.agency}) own record", element)

    best_stage, best_reason = -1, "not shared with your agency under any agreement"
    on = at.date()
    for g in policy.grants_for(principal.agency):
        stage, reason = _check_grant(
            g, principal, purpose_v, element, facts, providers, categories, document_id, at, on
        )
        if stage == len(_STAGES):
            return Decision(
                True, g.agreement_id, f"shared under {g.agreement_id}: {g.title}", element
            )
        if stage > best_stage:
            best_stage, best_reason = stage, reason
    return Decision(False, None, best_reason, element)


def _check_grant(
    g: Grant,
    principal: Principal,
    purpose: Purpose,
    element: str,
    facts: PersonFacts,
    providers: frozenset[str],
    categories: frozenset[SensitiveCategory],
    document_id: str | None,
    at: dt.datetime,
    on: dt.date,
) -> tuple[int, str]:
    """How far one grant gets (index into _STAGES; len means allowed) and why it stops."""
    if element not in g.elements or g.provider not in providers:
        return 0, "not shared with your agency under any agreement"
    if not (g.roles & principal.roles) or (g.units and principal.unit not in g.units):
        return 1, "not shared with your role under any agreement"
    if purpose not in g.purposes:
        return 2, f"not shared for the purpose '{purpose}' under any agreement"
    why_not = g.in_force(on)
    if why_not:
        return 3, why_not
    cats = item_categories(element, g.provider) | categories
    protected = frozenset(c for c in cats if c in CONSENT_CATEGORIES)
    consent_cats = g.consent_categories
    if protected and (consent_cats is None or (consent_cats and not protected <= consent_cats)):
        laws = ", ".join(CONSENT_CATEGORIES[c] for c in sorted(protected))
        return 4, f"protected information ({laws}) not covered by {g.agreement_id}"
    if g.requires_active_case and principal.agency not in facts.active_case_agencies:
        return 5, f"{g.agreement_id} requires an active case with this client at your agency"
    needs_consent = consent_cats is not None and (not consent_cats or bool(protected))
    if needs_consent:
        needed = protected if consent_cats else frozenset(cats)
        if not any(
            c.covers(
                recipient=principal.agency,
                purpose=purpose.value,
                provider=g.provider,
                element=element,
                needed=needed,
                document_id=document_id,
                at=at,
            )
            for c in facts.consents
        ):
            what = ", ".join(sorted(needed)) or element
            return 6, f"{g.agreement_id} requires the client's consent ({what}); none in effect"
    return len(_STAGES), ""


def decide(
    principal: Principal,
    purpose: str,
    person_id: str,
    element: str,
    *,
    at: dt.datetime | None = None,
    ctx: DecisionContext,
) -> Decision:
    """Decide one element, loading the policy and the person's facts through `ctx.session`."""
    from openhhs.access.facts import load_facts
    from openhhs.access.store import current_policy

    at = at or dt.datetime.now(dt.UTC)
    policy = ctx.policy
    if policy is None:
        if ctx.session is None:
            raise ValueError("decide() needs ctx.session or ctx.policy")
        policy = current_policy(ctx.session)
    facts = ctx.facts
    if facts is None or facts.person_id != person_id:
        if ctx.session is None:
            raise ValueError("decide() needs ctx.session or ctx.facts for this person")
        facts = load_facts(ctx.session, person_id, at=at)
    return evaluate(
        policy,
        principal,
        purpose,
        element,
        facts,
        at=at,
        provider=ctx.provider,
        categories=ctx.categories,
        document_id=ctx.document_id,
    )


def allowed_purposes(policy: Policy, principal: Principal, on: dt.date) -> frozenset[Purpose]:
    """Purposes the principal may name: its own agency's, plus those agreements in force give."""
    return principal.own_agency_purposes() | policy.purposes_for(
        principal.agency, principal.roles, on
    )
