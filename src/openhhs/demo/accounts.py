"""Demo accounts: one user per role of PRODUCT.md §1 in several agencies, and agency systems.

Passwords are printed by `openhhs demo` and are for a laptop demo only; `OPENHHS_DEMO_PASSWORD`
sets them. The accounts exist only if the demo (or a test) creates them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.access.accounts import create_service_account, create_user
from openhhs.access.models import ServiceAccount, User
from openhhs.access.passwords import hash_password

DEFAULT_PASSWORD = "openhhs-demo-2026"  # noqa: S105 - printed by `openhhs demo`; laptop demo only


@dataclass(frozen=True)
class DemoUser:
    username: str
    agency: str
    roles: tuple[str, ...]
    display_name: str
    what: str  # what to try with this account


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("hra.caseworker", "HRA", ("caseworker",), "Alex Rivera", "cash assistance worker"),
    DemoUser("dhs.caseworker", "DHS", ("caseworker",), "Sam Lee", "shelter caseworker"),
    DemoUser("dohmh.caseworker", "DOHMH", ("caseworker",), "Dana Kim", "care coordinator"),
    DemoUser("acs.caseworker", "ACS", ("caseworker",), "Jo Park", "child welfare worker"),
    DemoUser("dfta.caseworker", "DFTA", ("caseworker",), "Lee Chen", "aging services worker"),
    DemoUser("dhs.supervisor", "DHS", ("supervisor",), "Pat Gomez", "shelter supervisor"),
    DemoUser("hra.steward", "HRA", ("data_steward",), "Morgan Diaz", "match review"),
    DemoUser("hra.privacy", "HRA", ("privacy_officer",), "Robin Shah", "access history"),
    DemoUser("hra.analyst", "HRA", ("analyst",), "Casey Wu", "research purpose"),
    DemoUser("doi.auditor", "HRA", ("auditor",), "Avery Cole", "audit purpose"),
)

# One push-API account per agency system (agency engineers, PRODUCT.md §1).
DEMO_SYSTEMS: tuple[tuple[str, str], ...] = (
    ("hra_wms", "HRA"),
    ("dhs_hmis", "DHS"),
    ("dohmh_mh", "DOHMH"),
    ("acs_connections", "ACS"),
    ("dfta_clients", "DFTA"),
    ("doc_ims", "DOC"),
    ("nycha_tenants", "NYCHA"),
    ("doe_ats", "DOE"),
)


def demo_password() -> str:
    return os.environ.get("OPENHHS_DEMO_PASSWORD") or DEFAULT_PASSWORD


def ensure_demo_users(session: Session, password: str | None = None) -> list[DemoUser]:
    """Create the demo users that do not exist yet (existing ones are left alone)."""
    # one argon2 hash shared by all demo users: hashing is deliberately slow
    password_hash = hash_password(password or demo_password())
    created = []
    for u in DEMO_USERS:
        if session.scalar(select(User.id).where(User.username == u.username)) is None:
            create_user(
                session,
                username=u.username,
                agency=u.agency,
                roles=list(u.roles),
                display_name=u.display_name,
            ).password_hash = password_hash
            created.append(u)
    session.flush()
    return created


def ensure_service_accounts(session: Session) -> dict[str, str]:
    """Create missing agency-system accounts; returns {system: token} for the new ones only.

    Tokens are shown once (only their hash is stored); a re-run issues none for existing ones.
    """
    tokens = {}
    for system, agency in DEMO_SYSTEMS:
        name = f"{system}-push"
        if session.scalar(select(ServiceAccount.id).where(ServiceAccount.name == name)) is None:
            issued = create_service_account(
                session, name=name, agency=agency, source_system_id=system
            )
            tokens[system] = issued.token
    session.flush()
    return tokens
