"""Access: who may see which element of whose record, for what purpose, and why.

Public face; everything else in this package may change. See docs/access.md.
"""

from openhhs.access.agreement import AgreementSpec, ApprovalState, load_dir, parse_agreement
from openhhs.access.consent import give_consent, withdraw_consent
from openhhs.access.enforce import Enforced, enforce, enforce_many, is_redacted, redacted
from openhhs.access.pdp import (
    OWN_AGENCY,
    Decision,
    DecisionContext,
    PersonFacts,
    allowed_purposes,
    decide,
    evaluate,
)
from openhhs.access.persons import set_person_resolver
from openhhs.access.policy import Policy
from openhhs.access.principal import AuthMethod, Principal, PrincipalKind
from openhhs.access.rls import acting_agencies, set_acting_agencies
from openhhs.access.vocab import ELEMENTS, Purpose, Role

__all__ = [
    "ELEMENTS",
    "OWN_AGENCY",
    "AgreementSpec",
    "ApprovalState",
    "AuthMethod",
    "Decision",
    "DecisionContext",
    "Enforced",
    "PersonFacts",
    "Policy",
    "Principal",
    "PrincipalKind",
    "Purpose",
    "Role",
    "acting_agencies",
    "allowed_purposes",
    "decide",
    "enforce",
    "enforce_many",
    "evaluate",
    "give_consent",
    "is_redacted",
    "load_dir",
    "parse_agreement",
    "redacted",
    "set_acting_agencies",
    "set_person_resolver",
    "withdraw_consent",
]
