"""Roles x agencies x elements x purposes against the shipped agreements.

Each expected outcome below was worked out by reading the YAML in src/openhhs/access/agreements/
(the comment names the clause), not by calling the decision point: the test fails if the code and
the agreements as written disagree.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
from dataclasses import dataclass

import pytest
import yaml

from openhhs.access.agreement import AGREEMENTS_DIR, load_dir
from openhhs.access.pdp import OWN_AGENCY, ConsentFact, PersonFacts, allowed_purposes, evaluate
from openhhs.access.policy import Policy
from openhhs.access.principal import Principal, PrincipalKind
from openhhs.access.vocab import ELEMENTS, Purpose, Role
from openhhs.model.codes import Agency, SensitiveCategory

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
POLICY = Policy.from_specs(load_dir())


def consent(recipients: set[str], purposes: set[str], categories: set[str]) -> ConsentFact:
    return ConsentFact(
        consent_id=1,
        categories=frozenset(categories),
        elements=(),
        documents=frozenset(),
        recipients=frozenset(recipients),
        purposes=frozenset(purposes),
        source_agencies=frozenset(),
        given_at=NOW - dt.timedelta(days=30),
        expires_at=None,
    )


MH_FOR_HRA = consent({"HRA"}, {"case_management"}, {"mental_health"})
MH_FOR_DHS = consent({"DHS"}, {"case_management"}, {"mental_health"})
MH_SU_FOR_HRA = consent({"HRA"}, {"case_management"}, {"mental_health", "substance_use"})
CW_FOR_DHS = consent({"DHS"}, {"case_management"}, {"child_welfare"})


@dataclass(frozen=True)
class Case:
    name: str
    agency: str
    role: str
    purpose: str
    element: str
    provider: str | None  # None: golden person element, provided by whoever holds a record
    records: tuple[str, ...]  # agencies holding a record of the person
    active: tuple[str, ...]  # agencies with an active case
    allow: bool
    expect: str  # agreement id when allowed, a fragment of the reason when denied
    consents: tuple[ConsentFact, ...] = ()
    categories: tuple[str, ...] = ()
    at: dt.datetime = NOW


CASES = [
    # DSA-DHS-HRA-01 v2: shelter events to HRA caseworkers with an active HRA case
    Case("hra worker sees shelter entry", "HRA", "caseworker", "case_management", "event.shelter",
         "DHS", ("DHS", "HRA"), ("HRA", "DHS"), True, "DSA-DHS-HRA-01"),
    Case("no active case, no shelter entry", "HRA", "caseworker", "case_management",
         "event.shelter", "DHS", ("DHS", "HRA"), ("DHS",), False, "requires an active case"),
    Case("case number is excluded", "HRA", "caseworker", "case_management",
         "enrollment.case_number", "DHS", ("DHS", "HRA"), ("HRA",), False,
         "not shared with your agency"),
    Case("supervisor also covered", "HRA", "supervisor", "eligibility_determination",
         "enrollment.worker_contact", "DHS", ("DHS", "HRA"), ("HRA",), True, "DSA-DHS-HRA-01"),
    # v1 was in force in 2024 without the address; v2 starts 2025-01-01
    Case("v1 in force in 2024", "HRA", "caseworker", "case_management", "person.dob", None,
         ("DHS",), ("HRA",), True, "DSA-DHS-HRA-01",
         at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC)),
    Case("v2 not yet in force in 2024", "HRA", "caseworker", "case_management", "person.address",
         None, ("DHS",), ("HRA",), False, "not in force before 2025-01-01",
         at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC)),
    # DSA-DHS-RES-01: research for HRA analysts, no names
    Case("analyst research shelter", "HRA", "analyst", "research", "event.shelter", "DHS",
         ("DHS",), (), True, "DSA-DHS-RES-01"),
    Case("analyst cannot do casework", "HRA", "analyst", "case_management", "event.shelter",
         "DHS", ("DHS",), ("HRA",), False, "not shared for the purpose 'case_management'"),
    Case("analyst sees no names", "HRA", "analyst", "research", "person.name", None, ("DHS",),
         (), False, "not shared with your role"),
    # DSA-DHS-DQ-01: stewards see identifiers only
    Case("steward sees ssn last 4", "HRA", "data_steward", "data_quality", "person.ssn_last4",
         None, ("DHS",), (), True, "DSA-DHS-DQ-01"),
    Case("steward sees no services", "HRA", "data_steward", "data_quality", "enrollment.status",
         "DHS", ("DHS",), (), False, "not shared with your role"),
    Case("steward never sees full ssn", "HRA", "data_steward", "data_quality", "person.ssn",
         None, ("DHS",), (), False, "not shared with your agency"),
    # DSA-DOHMH-DSS-01: mental health only with consent naming the recipient and purpose
    Case("dohmh contact without consent", "HRA", "caseworker", "case_management",
         "enrollment.worker_contact", "DOHMH", ("DOHMH", "HRA"), ("HRA", "DOHMH"), False,
         "requires the client's consent"),
    Case("dohmh contact with consent", "HRA", "caseworker", "case_management",
         "enrollment.worker_contact", "DOHMH", ("DOHMH", "HRA"), ("HRA",), True,
         "DSA-DOHMH-DSS-01", consents=(MH_FOR_HRA,)),
    Case("consent names another agency", "HRA", "caseworker", "case_management",
         "enrollment.worker_contact", "DOHMH", ("DOHMH", "HRA"), ("HRA",), False,
         "requires the client's consent", consents=(MH_FOR_DHS,)),
    Case("substance use needs its own consent", "HRA", "caseworker", "case_management",
         "event.substance_use", "DOHMH", ("DOHMH",), ("HRA",), False,
         "requires the client's consent", consents=(MH_FOR_HRA,)),
    Case("substance use with both consents", "HRA", "caseworker", "case_management",
         "event.substance_use", "DOHMH", ("DOHMH",), ("HRA",), True, "DSA-DOHMH-DSS-01",
         consents=(MH_SU_FOR_HRA,)),
    Case("consent does not widen the purpose", "HRA", "caseworker", "eligibility_determination",
         "enrollment.status", "DOHMH", ("DOHMH",), ("HRA",), False,
         "not shared for the purpose 'eligibility_determination'", consents=(MH_FOR_HRA,)),
    # DSA-DOC-HRA-01 is withdrawn; DSA-DHS-DOE-01 expired 2024-06-30; DSA-NYCHA-DFTA-01 draft
    Case("withdrawn agreement", "HRA", "caseworker", "eligibility_determination", "event.jail",
         "DOC", ("DOC", "HRA"), ("HRA",), False, "DSA-DOC-HRA-01 was withdrawn"),
    Case("expired agreement", "DOE", "caseworker", "case_management", "event.shelter", "DHS",
         ("DHS", "DOE"), ("DOE",), False, "DSA-DHS-DOE-01 expired on 2024-06-30"),
    Case("draft agreement", "DFTA", "caseworker", "case_management", "person.address", None,
         ("NYCHA",), ("DFTA",), False, "DSA-NYCHA-DFTA-01 is a draft"),
    # DSA-DOC-DHS-01: jail events to DHS
    Case("dhs sees jail booking", "DHS", "caseworker", "service_alerts", "event.jail", "DOC",
         ("DOC", "DHS"), ("DHS",), True, "DSA-DOC-DHS-01"),
    # DSA-HRA-DOHMH-01 and DSA-HRA-DHS-01: HRA shares benefits and worker contact
    Case("dohmh sees hra worker", "DOHMH", "caseworker", "case_management",
         "enrollment.worker_contact", "HRA", ("HRA", "DOHMH"), ("DOHMH",), True,
         "DSA-HRA-DOHMH-01"),
    Case("dhs sees household members", "DHS", "caseworker", "case_management",
         "household.members", "HRA", ("HRA", "DHS"), ("DHS",), True, "DSA-HRA-DHS-01"),
    Case("hra program of a protected category", "DHS", "caseworker", "case_management",
         "enrollment.status", "HRA", ("HRA", "DHS"), ("DHS",), False,
         "protected information (42 CFR Part 2)", categories=("substance_use",)),
    # DSA-DHS-SVC-01, DSA-NYCHA-DSS-01, DSA-DFTA-HRA-01
    Case("acs told of shelter entry", "ACS", "supervisor", "service_alerts", "event.shelter",
         "DHS", ("DHS", "ACS"), ("ACS",), True, "DSA-DHS-SVC-01"),
    Case("nycha household to dhs", "DHS", "caseworker", "eligibility_determination",
         "household.members", "NYCHA", ("NYCHA", "DHS"), ("DHS",), True, "DSA-NYCHA-DSS-01"),
    Case("dfta case manager to hra", "HRA", "caseworker", "case_management",
         "enrollment.worker_contact", "DFTA", ("DFTA", "HRA"), ("HRA",), True,
         "DSA-DFTA-HRA-01"),
    # DSA-HRA-DFTA-OUT-01: outreach without an active case
    Case("dfta outreach phone", "DFTA", "caseworker", "outreach", "person.phone", None, ("HRA",),
         (), True, "DSA-HRA-DFTA-OUT-01"),
    Case("outreach shares no benefits", "DFTA", "caseworker", "outreach", "enrollment.program",
         "HRA", ("HRA",), (), False, "not shared with your agency"),
    Case("purpose spoofing", "DFTA", "caseworker", "research", "person.phone", None, ("HRA",),
         (), False, "not shared for the purpose 'research'"),
    # DSA-DOE-ACS-01 (FERPA exception) and DSA-ACS-DHS-01 (child welfare, by consent)
    Case("acs sees school", "ACS", "caseworker", "case_management", "event.school", "DOE",
         ("DOE", "ACS"), ("ACS",), True, "DSA-DOE-ACS-01"),
    Case("acs contact needs consent", "DHS", "caseworker", "case_management",
         "enrollment.worker_contact", "ACS", ("ACS", "DHS"), ("DHS",), False,
         "requires the client's consent"),
    Case("acs contact with consent", "DHS", "caseworker", "case_management",
         "enrollment.worker_contact", "ACS", ("ACS", "DHS"), ("DHS",), True, "DSA-ACS-DHS-01",
         consents=(CW_FOR_DHS,)),
    # own agency, raw records, nobody-shares-with-DOC, garbage
    Case("own raw record", "DHS", "caseworker", "case_management", "source.raw", "DHS", ("DHS",),
         (), True, OWN_AGENCY),
    Case("other agency raw record", "DHS", "caseworker", "case_management", "source.raw", "HRA",
         ("HRA", "DHS"), ("DHS",), False, "not shared with your agency"),
    Case("administrator reads no client data", "HRA", "administrator", "case_management",
         "person.name", None, ("HRA",), ("HRA",), False, "not shared with your agency"),
    Case("doc receives nothing", "DOC", "caseworker", "case_management", "person.name", None,
         ("DHS", "HRA"), ("DOC",), False, "not shared with your agency"),
    Case("unknown element", "HRA", "caseworker", "case_management", "person.shoe_size", None,
         ("HRA",), ("HRA",), False, "not a catalogued data element"),
    Case("unknown purpose", "HRA", "caseworker", "snooping", "person.name", None, ("HRA",),
         ("HRA",), False, "not a recognized purpose"),
    Case("service account reads its own", "NYCHA", "agency_system", "system_integration",
         "person.name", None, ("NYCHA",), (), True, OWN_AGENCY),
    Case("service account reads no other agency", "NYCHA", "agency_system",
         "system_integration", "person.name", None, ("HRA",), (), False,
         "not shared with your agency"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_matrix(case: Case) -> None:
    principal = Principal(
        id="user:1",
        kind=PrincipalKind.SERVICE if case.role == "agency_system" else PrincipalKind.USER,
        agency=case.agency,
        roles=frozenset({Role(case.role)}),
    )
    facts = PersonFacts(
        person_id="E1",
        record_agencies=frozenset(case.records),
        active_case_agencies=frozenset(case.active),
        consents=case.consents,
    )
    d = evaluate(
        POLICY,
        principal,
        case.purpose,
        case.element,
        facts,
        at=case.at,
        provider=case.provider,
        categories=frozenset(case.categories),  # type: ignore[arg-type]
    )
    assert d.allow is case.allow, d.reason
    if case.allow:
        assert d.agreement_id == case.expect
    else:
        assert d.agreement_id is None
        assert case.expect in d.reason


def test_every_shipped_agreement_is_exercised_by_the_matrix() -> None:
    ids = {s.id for s in POLICY.specs}
    mentioned = {i for i in ids if any(i in c.expect for c in CASES)}
    assert mentioned == ids


@pytest.mark.parametrize(
    ("agency", "role", "expected"),
    [
        ("HRA", "caseworker", {"case_management", "eligibility_determination", "outreach",
                               "service_alerts"}),
        ("HRA", "analyst", {"research"}),
        ("HRA", "data_steward", {"data_quality"}),
        ("HRA", "administrator", set()),
        ("DFTA", "caseworker", {"case_management", "eligibility_determination", "outreach",
                                "service_alerts"}),
        ("DOC", "auditor", {"audit"}),
    ],
)  # fmt: skip
def test_purposes_a_principal_may_name(agency: str, role: str, expected: set[str]) -> None:
    p = Principal(id="u", kind=PrincipalKind.USER, agency=agency, roles=frozenset({Role(role)}))
    assert {x.value for x in allowed_purposes(POLICY, p, NOW.date())} == expected
    assert all(isinstance(x, Purpose) for x in allowed_purposes(POLICY, p, NOW.date()))


# --- the whole cross product against an oracle read straight from the YAML -------------------

# What each role may do with its own agency's records (restated here, not imported).
OWN = {
    "caseworker": {"case_management", "eligibility_determination", "outreach", "service_alerts"},
    "supervisor": {"case_management", "eligibility_determination", "outreach", "service_alerts"},
    "data_steward": {"data_quality"},
    "privacy_officer": {"audit"},
    "auditor": {"audit"},
    "analyst": {"research"},
    "administrator": set(),
    "agency_system": {"system_integration"},
}


@functools.cache
def _matches(patterns: tuple[str, ...]) -> frozenset[str]:
    return frozenset(e for e in ELEMENTS if any(fnmatch.fnmatchcase(e, p) for p in patterns))


def _oracle(
    raw: list[dict],
    agency: str,
    role: str,
    purpose: str,
    element: str,
    provider: str,
    conditions_met: bool,
) -> bool:
    if provider == agency and purpose in OWN[role]:
        return True
    if element == "source.raw":
        return False
    on = NOW.date()
    for doc in raw:
        to = doc.get("valid_to") or dt.date.max
        if doc["approval"]["state"] != "approved" or not doc["valid_from"] <= on <= to:
            continue
        if doc["provider"] != provider or purpose not in doc["purposes"]:
            continue
        if not any(r["agency"] == agency and role in r["roles"] for r in doc["recipients"]):
            continue
        if element not in _matches(tuple(doc["elements"])) or element in _matches(
            tuple(doc.get("exclude_elements", []))
        ):
            continue
        if doc.get("conditions") and not conditions_met:
            continue
        return True
    return False


@pytest.mark.parametrize(
    "conditions_met", [True, False], ids=["conditions-met", "no-case-no-consent"]
)
def test_every_combination_agrees_with_the_yaml(conditions_met: bool) -> None:
    raw = [yaml.safe_load(p.read_text()) for p in sorted(AGREEMENTS_DIR.glob("*.yaml"))]
    agencies = [a.value for a in Agency]
    all_consent = (
        consent(set(agencies), {p.value for p in Purpose}, {c.value for c in SensitiveCategory}),
    )
    checked = allowed = 0
    for agency in agencies:
        for role in OWN:
            p = Principal(
                id="u", kind=PrincipalKind.USER, agency=agency, roles=frozenset({Role(role)})
            )
            for provider in agencies:
                facts = PersonFacts(
                    person_id="E1",
                    record_agencies=frozenset({provider}),
                    active_case_agencies=frozenset(agencies) if conditions_met else frozenset(),
                    consents=all_consent if conditions_met else (),
                )
                for purpose in Purpose:
                    for element in ELEMENTS:
                        got = evaluate(
                            POLICY, p, purpose.value, element, facts, at=NOW, provider=provider
                        ).allow
                        want = _oracle(
                            raw, agency, role, purpose.value, element, provider, conditions_met
                        )
                        assert got == want, (agency, role, purpose.value, element, provider)
                        checked += 1
                        allowed += got
    assert checked > 100_000 and 0 < allowed < checked
