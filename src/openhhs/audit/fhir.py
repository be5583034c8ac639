"""FHIR R4 AuditEvent export of audit entries (hl7.org/fhir/R4/auditevent.html).

The agreement id goes in `agent.policy` (the FHIR place for "the policy that authorized this"),
the purpose in `purposeOfEvent`, the returned elements as details of the person entity, and the
chain position (seq, hash, prev_hash) in an extension so an exported file can be re-verified.
"""

from __future__ import annotations

from typing import Any

from openhhs.audit.chain import utc_iso
from openhhs.audit.models import AuditAction, AuditEntry, AuditOutcome

BASE = "https://openhhs.org/fhir"
DCM = "http://dicom.nema.org/resources/ontology/DCM"
_TYPES: dict[AuditAction, tuple[str, str]] = {
    AuditAction.READ: ("110110", "Patient Record"),
    AuditAction.WRITE: ("110110", "Patient Record"),
    AuditAction.DENY: ("110110", "Patient Record"),
    AuditAction.EXPORT: ("110106", "Export"),
    AuditAction.LOGIN: ("110114", "User Authentication"),
    AuditAction.ADMIN: ("110100", "Application Activity"),
}
# AuditEvent.action: C create, R read, U update, D delete, E execute.
_ACTIONS = {
    AuditAction.READ: "R",
    AuditAction.WRITE: "U",
    AuditAction.DENY: "E",
    AuditAction.EXPORT: "R",
    AuditAction.LOGIN: "E",
    AuditAction.ADMIN: "E",
}
# AuditEvent.outcome: 0 success, 4 minor failure, 8 serious failure.
_OUTCOMES = {AuditOutcome.SUCCESS: "0", AuditOutcome.DENIED: "4", AuditOutcome.FAILURE: "8"}


def to_fhir_audit_event(entry: AuditEntry) -> dict[str, Any]:
    """One audit entry as a FHIR R4 AuditEvent resource (a JSON-ready dict)."""
    action = AuditAction(entry.action)
    outcome = AuditOutcome(entry.outcome)
    code, display = _TYPES[action]
    agent: dict[str, Any] = {
        "type": {"text": "user"},
        "who": {"identifier": {"system": f"{BASE}/user", "value": entry.actor}},
        "requestor": True,
    }
    if entry.agreement_id:
        agent["policy"] = [f"{BASE}/agreement/{entry.agreement_id}"]
    agents = [agent]
    if entry.actor_agency:
        agents.append(
            {
                "type": {"text": "agency"},
                "who": {"identifier": {"system": f"{BASE}/agency", "value": entry.actor_agency}},
                "requestor": False,
            }
        )
    event: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "id": f"openhhs-audit-{entry.seq}",
        "extension": [
            {
                "url": f"{BASE}/StructureDefinition/audit-chain",
                "extension": [
                    {"url": "seq", "valueInteger": entry.seq},
                    {"url": "hash", "valueString": entry.hash},
                    {"url": "prevHash", "valueString": entry.prev_hash},
                ],
            }
        ],
        "type": {"system": DCM, "code": code, "display": display},
        "subtype": [{"system": f"{BASE}/CodeSystem/audit-action", "code": action.value}],
        "action": _ACTIONS[action],
        "recorded": utc_iso(entry.at),
        "outcome": _OUTCOMES[outcome],
        "agent": agents,
        "source": {
            "observer": {"display": "OpenHHS"},
            "type": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/security-source-type",
                    "code": "4",
                    "display": "Application Server",
                }
            ],
        },
    }
    reason = (entry.detail or {}).get("reason")
    if reason:
        event["outcomeDesc"] = str(reason)
    if entry.purpose:
        event["purposeOfEvent"] = [
            {
                "coding": [{"system": f"{BASE}/CodeSystem/purpose", "code": entry.purpose}],
                "text": entry.purpose,
            }
        ]
    entities: list[dict[str, Any]] = []
    if entry.person_id:
        entities.append(
            {
                "what": {"identifier": {"system": f"{BASE}/person", "value": entry.person_id}},
                "type": {
                    "system": "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                    "code": "1",
                    "display": "Person",
                },
                "role": {
                    "system": "http://terminology.hl7.org/CodeSystem/object-role",
                    "code": "1",
                    "display": "Patient",
                },
                "detail": [{"type": "element", "valueString": e} for e in entry.elements or []],
            }
        )
    if entry.request_id:
        entities.append(
            {
                "what": {"identifier": {"system": f"{BASE}/request", "value": entry.request_id}},
                "type": {
                    "system": "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                    "code": "2",
                    "display": "System Object",
                },
            }
        )
    if entities:
        event["entity"] = entities
    return event
