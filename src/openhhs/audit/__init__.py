"""Tamper-evident audit: an append-only, hash-chained log of person-level reads, writes, denials,
exports, logins and administrative changes.

    from openhhs.audit import record
    record(session, actor="jdoe", actor_agency="HRA", action="read", purpose="case_management",
           person_id=eid, elements=["person.name", "person.dob"], agreement_id="dsa-hra-dhs-001",
           request_id=request_id)
"""

from openhhs.audit.fhir import to_fhir_audit_event
from openhhs.audit.models import AuditAction, AuditEntry, AuditOutcome
from openhhs.audit.service import (
    VerifyResult,
    append,
    batch,
    person_history,
    record,
    record_committed,
    verify,
)

__all__ = [
    "AuditAction",
    "AuditEntry",
    "AuditOutcome",
    "VerifyResult",
    "append",
    "batch",
    "person_history",
    "record",
    "record_committed",
    "to_fhir_audit_event",
    "verify",
]
