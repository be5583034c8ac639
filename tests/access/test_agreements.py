"""Agreements as code: the shipped set validates; malformed or contradictory ones are refused."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from openhhs.access.agreement import AGREEMENTS_DIR, check_set, load_dir, parse_agreement
from openhhs.access.vocab import ELEMENTS
from openhhs.errors import InvalidInput
from openhhs.model.codes import Agency

SHIPPED = sorted(AGREEMENTS_DIR.glob("*.yaml"))

BASE: dict[str, Any] = {
    "id": "DSA-TEST-01",
    "version": 1,
    "title": "A test agreement",
    "legal_basis": [{"citation": "NY Social Services Law § 136"}],
    "provider": "DHS",
    "recipients": [{"agency": "HRA", "roles": ["caseworker"]}],
    "purposes": ["case_management"],
    "elements": ["person.name", "enrollment.*"],
    "conditions": [{"type": "active_case_with_client"}],
    "valid_from": "2025-01-01",
    "valid_to": "2027-01-01",
    "approval": {"state": "approved", "approved_by": "Counsel", "approved_on": "2024-12-01"},
}


def with_(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_agreement_validates_and_cites_its_law(path: Path) -> None:
    spec = parse_agreement(yaml.safe_load(path.read_text()), path.name)
    assert spec.legal_basis, "every shipped agreement cites a legal basis"
    assert spec.granted_elements() <= set(ELEMENTS)


def test_shipped_set_covers_the_eight_agencies_and_is_consistent() -> None:
    specs = load_dir()
    assert check_set(specs) == []
    involved = {s.provider for s in specs} | {r.agency for s in specs for r in s.recipients}
    assert involved == set(Agency)
    states = {s.approval.state.value for s in specs}
    assert states == {"approved", "withdrawn", "draft"}


def test_the_base_case_is_valid() -> None:
    assert parse_agreement(with_()).key == "DSA-TEST-01@v1"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"elements": ["person.nmae"]}, "did you mean 'person.name'"),
        ({"purposes": ["snooping"]}, "purposes.0"),
        ({"provider": "FBI"}, "provider"),
        ({"recipients": [{"agency": "HRA", "roles": ["janitor"]}]}, "recipients.0.roles.0"),
        ({"id": "my agreement"}, "must look like DSA-"),
        ({"valid_to": "2024-01-01"}, "is not after valid_from"),
        ({"recipients": [{"agency": "DHS", "roles": ["caseworker"]}]}, "is the providing agency"),
        ({"exclude_elements": ["person.ssn"]}, "removes nothing that elements grants"),
        ({"elements": ["person.name"], "exclude_elements": ["person.*"]}, "would share nothing"),
        ({"provider": "DOHMH"}, "mental_health information without a consent_required"),
        ({"elements": ["event.substance_use"]}, "42 CFR Part 2"),
        (
            {"conditions": [{"type": "consent_required", "categories": ["hiv"]}]},
            "consent_required names hiv but no shared element carries it",
        ),
        ({"legal_basis": []}, "must cite at least one legal basis"),
        ({"purposes": ["research"]}, "research is not tied to a client's active case"),
        ({"elements": ["source.raw"]}, "cannot be shared by an agreement"),
        ({"recipients": [{"agency": "HRA", "roles": ["agency_system"]}]}, "agency systems"),
        ({"approval": {"state": "approved"}}, "needs approved_by and approved_on"),
        (
            {"approval": {"state": "withdrawn", "approved_by": "x", "approved_on": "2024-01-01"}},
            "needs withdrawn_on",
        ),
        ({"surprise": 1}, "Extra inputs are not permitted"),
        ({"purposes": ["case_management", "case_management"]}, "listed twice"),
    ],
)
def test_malformed_or_contradictory_agreements_are_refused(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_agreement(with_(**changes), "test.yaml")
    assert message in err.value.message
    assert err.value.message.startswith("test.yaml: ")


def test_consent_condition_makes_a_sensitive_provider_valid() -> None:
    spec = parse_agreement(
        with_(
            provider="DOHMH",
            conditions=[{"type": "consent_required", "categories": ["mental_health"]}],
        )
    )
    assert spec.consent_categories() == {"mental_health"}


def test_overlapping_approved_versions_are_contradictory() -> None:
    v1 = parse_agreement(with_())
    v2 = parse_agreement(with_(version=2, valid_from="2026-06-01", valid_to=None))
    problems = check_set([v1, v2])
    assert problems and "overlap in time" in problems[0]
    assert check_set([v1, v1])[0] == "DSA-TEST-01@v1 is defined twice"


def test_garbage_yaml_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("id: [unclosed\n")
    (tmp_path / "list.yaml").write_text("- just\n- a list\n")
    with pytest.raises(InvalidInput) as err:
        load_dir(tmp_path)
    assert "bad.yaml: cannot read YAML" in err.value.message
    assert "list.yaml: an agreement must be a mapping" in err.value.message
