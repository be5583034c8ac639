"""The one place access calls the audit log, so its signature can change without touching callers.

Until `openhhs.audit` is installed, events go to the `openhhs.access.audit` logger and to a small
in-process ring buffer the tests read (`recent_events`). Once it is, every event goes to its
hash-chained log inside the caller's transaction.
"""

from __future__ import annotations

import importlib
import logging
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from openhhs.access.principal import Principal

log = logging.getLogger("openhhs.access.audit")


@dataclass(frozen=True)
class AccessEvent:
    action: str  # "person:read", "person:denied", "auth:login", "dsa:agreement:withdrawn"...
    outcome: str  # "success" | "denied" | "failure"
    actor: str
    agency: str | None
    roles: tuple[str, ...] = ()
    purpose: str | None = None
    person_id: str | None = None
    elements: tuple[str, ...] = ()
    agreement_ids: tuple[str, ...] = ()
    reason: str | None = None
    request_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


_recent: deque[AccessEvent] = deque(maxlen=1000)


def recent_events() -> list[AccessEvent]:
    return list(_recent)


# Our event names (a grammar: "<resource>:<what>") mapped onto the audit log's actions.
_AUDIT_ACTIONS: dict[str, str] = {
    "person:read": "read",
    "person:export": "export",
    "auth:login": "login",
    "auth:logout": "login",
    "auth:token": "login",
    "auth:csrf": "deny",
    "purpose:denied": "deny",
    "consent:given": "write",
    "consent:withdrawn": "write",
    "dsa:agreement:loaded": "admin",
    "dsa:agreement:withdrawn": "admin",
    "account:created": "admin",
}


def _current_request_id() -> str | None:
    try:
        value = importlib.import_module("openhhs.web.context").current_request_id()
    except (ImportError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def audit_action(event: AccessEvent) -> str:
    action = _AUDIT_ACTIONS.get(event.action)
    if action is None:
        # any person-level view (person:search, person:read_sensitive...) is a read or an export
        if event.action.startswith("person:"):
            action = "export" if "export" in event.action else "read"
        else:
            action = "admin"
    if event.outcome == "denied" and action in ("read", "export"):
        return "deny"
    return action


def emit(session: Session | None, event: AccessEvent) -> None:
    """Record one access event; the audit package, when present, writes it in `session`."""
    _recent.append(event)
    try:
        append = importlib.import_module("openhhs.audit").append
    except (ImportError, AttributeError):
        log.info(
            "%s %s actor=%s person=%s", event.action, event.outcome, event.actor, event.person_id
        )
        return
    if session is None:
        log.warning("audit event without a session: %s", event)
        return
    detail: dict[str, Any] = {"event": event.action, **event.details}
    if event.roles:
        detail["roles"] = list(event.roles)
    if event.reason:
        detail["reason"] = event.reason[:2000]
    if len(event.agreement_ids) > 1:
        detail["agreement_ids"] = list(event.agreement_ids)
    append(
        session,
        actor=event.actor,
        action=audit_action(event),
        outcome=event.outcome,
        actor_agency=event.agency,
        purpose=event.purpose,
        person_id=event.person_id,
        elements=list(event.elements),
        agreement_id=",".join(event.agreement_ids) or None,
        request_id=event.request_id or _current_request_id(),
        detail=detail,
    )


@contextmanager
def emitting_many(session: Session) -> Iterator[None]:
    """Events emitted inside are written together at the end (`openhhs.audit.batch`)."""
    try:
        batch = importlib.import_module("openhhs.audit").batch
    except (ImportError, AttributeError):
        yield
        return
    with batch(session):
        yield


def event_for(principal: Principal | None, action: str, outcome: str, **kw: Any) -> AccessEvent:
    return AccessEvent(
        action=action,
        outcome=outcome,
        actor=principal.id if principal else kw.pop("actor", "anonymous"),
        agency=principal.agency if principal else kw.pop("agency", None),
        roles=tuple(sorted(principal.roles)) if principal else (),
        **kw,
    )
