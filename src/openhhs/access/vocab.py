"""The access vocabulary, defined once: roles, purposes, conditions and the element catalogue.

Agreements, the policy decision point and the portal all speak these names; a typo in a YAML
agreement is a validation error, not a silent non-match.
"""

from __future__ import annotations

import fnmatch
from enum import StrEnum
from functools import lru_cache

from openhhs.model.codes import DocumentType, SensitiveCategory


class Role(StrEnum):
    """What a user does in their agency (PRODUCT.md §1). Keep alphabetized."""

    ADMINISTRATOR = "administrator"
    AGENCY_SYSTEM = "agency_system"  # an agency's service account, never a person
    ANALYST = "analyst"
    AUDITOR = "auditor"
    CASEWORKER = "caseworker"
    DATA_STEWARD = "data_steward"
    PRIVACY_OFFICER = "privacy_officer"
    SUPERVISOR = "supervisor"


class Purpose(StrEnum):
    """Why data is requested; every read names one and the audit keeps it."""

    AUDIT = "audit"  # oversight of access itself (auditors, privacy officers)
    CASE_MANAGEMENT = "case_management"
    DATA_QUALITY = "data_quality"  # match review, source quality (stewards)
    ELIGIBILITY_DETERMINATION = "eligibility_determination"
    OUTREACH = "outreach"
    RESEARCH = "research"
    SERVICE_ALERTS = "service_alerts"
    SYSTEM_INTEGRATION = "system_integration"  # an agency system reading back its own records


class ConditionType(StrEnum):
    ACTIVE_CASE_WITH_CLIENT = "active_case_with_client"
    CONSENT_REQUIRED = "consent_required"


# Categories whose disclosure needs the resident's consent under the law cited next to them,
# whatever the agreement says (the validator rejects an agreement that shares them without it).
CONSENT_CATEGORIES: dict[SensitiveCategory, str] = {
    SensitiveCategory.MENTAL_HEALTH: "NY Mental Hygiene Law § 33.13",
    SensitiveCategory.SUBSTANCE_USE: "42 CFR Part 2",
    SensitiveCategory.HIV: "NY Public Health Law Article 27-F",
    SensitiveCategory.CHILD_WELFARE: "NY Social Services Law §§ 372, 422",
}

# Own-agency data: which purposes each role may use on its own agency's records. Cross-agency
# access comes only from agreements.
OWN_AGENCY_PURPOSES: dict[Role, frozenset[Purpose]] = {
    Role.CASEWORKER: frozenset(
        {
            Purpose.CASE_MANAGEMENT,
            Purpose.ELIGIBILITY_DETERMINATION,
            Purpose.OUTREACH,
            Purpose.SERVICE_ALERTS,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            Purpose.CASE_MANAGEMENT,
            Purpose.ELIGIBILITY_DETERMINATION,
            Purpose.OUTREACH,
            Purpose.SERVICE_ALERTS,
        }
    ),
    Role.DATA_STEWARD: frozenset({Purpose.DATA_QUALITY}),
    Role.PRIVACY_OFFICER: frozenset({Purpose.AUDIT}),
    Role.AUDITOR: frozenset({Purpose.AUDIT}),
    Role.ANALYST: frozenset({Purpose.RESEARCH}),
    Role.ADMINISTRATOR: frozenset(),  # administers accounts; reads no client data by default
    Role.AGENCY_SYSTEM: frozenset({Purpose.SYSTEM_INTEGRATION}),
}


# The element catalogue: named parts of the common model an agreement can share, with the
# sensitive categories the element always carries. Items may carry more (a DOHMH enrollment is
# mental-health information whatever element of it is shown): see `DecisionContext.categories`.
_BASE_ELEMENTS: dict[str, frozenset[SensitiveCategory]] = {
    "person.name": frozenset(),
    "person.aliases": frozenset(),
    "person.dob": frozenset(),
    "person.sex": frozenset(),
    "person.gender_identity": frozenset(),
    "person.ssn": frozenset(),
    "person.ssn_last4": frozenset(),
    "person.address": frozenset(),
    "person.phone": frozenset(),
    "person.race": frozenset(),
    "person.language": frozenset(),
    "person.identifiers": frozenset(),
    "household.members": frozenset(),
    "household.income": frozenset(),
    "household.expenses": frozenset(),
    "household.living": frozenset(),
    "enrollment.program": frozenset(),
    "enrollment.status": frozenset(),
    "enrollment.dates": frozenset(),
    "enrollment.case_number": frozenset(),
    "enrollment.worker_contact": frozenset(),
    "event.case": frozenset(),  # case opened / closing / closed
    "event.benefit_application": frozenset(),
    "event.shelter": frozenset(),
    "event.jail": frozenset({SensitiveCategory.JUSTICE}),
    "event.placement": frozenset({SensitiveCategory.CHILD_WELFARE}),
    "event.mental_health": frozenset({SensitiveCategory.MENTAL_HEALTH}),
    "event.substance_use": frozenset({SensitiveCategory.SUBSTANCE_USE}),
    "event.school": frozenset({SensitiveCategory.EDUCATION_RECORD}),
    "event.hospital": frozenset(),
    "event.move": frozenset(),
    "event.death": frozenset(),
    # the agency's raw payload and case notes: never shared by any agreement (LL75 Rec. 1a)
    "source.raw": frozenset(),
}
# Elements no agreement may share: only the owning agency's own users read them.
OWN_AGENCY_ONLY: frozenset[str] = frozenset({"source.raw"})
_DOCUMENT_CATEGORIES: dict[DocumentType, frozenset[SensitiveCategory]] = {
    DocumentType.MEDICAL_RECORD: frozenset({SensitiveCategory.MENTAL_HEALTH}),
    DocumentType.SCHOOL_RECORD: frozenset({SensitiveCategory.EDUCATION_RECORD}),
    DocumentType.COURT_ORDER: frozenset({SensitiveCategory.JUSTICE}),
}
ELEMENTS: dict[str, frozenset[SensitiveCategory]] = {
    **_BASE_ELEMENTS,
    **{f"document.{d.value}": _DOCUMENT_CATEGORIES.get(d, frozenset()) for d in DocumentType},
}


def element_categories(element: str) -> frozenset[SensitiveCategory]:
    """The sensitive categories an element always carries (unknown elements: none)."""
    return ELEMENTS.get(element, frozenset())


def is_known_element(element: str) -> bool:
    return element in ELEMENTS


@lru_cache(maxsize=512)
def expand_pattern(pattern: str) -> frozenset[str]:
    """The catalogue elements a pattern such as `enrollment.*` or `document.*` names."""
    if any(ch in pattern for ch in "*?["):
        return frozenset(e for e in ELEMENTS if fnmatch.fnmatchcase(e, pattern))
    return frozenset({pattern}) if pattern in ELEMENTS else frozenset()


# Which sensitive category an agency's service records carry by default, so that enrollments and
# events a provider shares are treated as that category even when the program row says nothing.
PROVIDER_CATEGORIES: dict[str, frozenset[SensitiveCategory]] = {
    "DOHMH": frozenset({SensitiveCategory.MENTAL_HEALTH}),
    "ACS": frozenset({SensitiveCategory.CHILD_WELFARE}),
    "DOE": frozenset({SensitiveCategory.EDUCATION_RECORD}),
    "DOC": frozenset({SensitiveCategory.JUSTICE}),
}
