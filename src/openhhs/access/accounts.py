"""Built-in accounts and agency service accounts: create, authenticate, lock out, rotate."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.access._audit import emit, event_for
from openhhs.access.models import ServiceAccount, User
from openhhs.access.passwords import hash_password, needs_rehash, verify_password
from openhhs.access.principal import AuthMethod, Principal, PrincipalKind
from openhhs.access.vocab import Role
from openhhs.errors import Conflict, InvalidInput, NotAuthenticated
from openhhs.model.codes import Agency

LOCKOUT_THRESHOLD = 5  # consecutive failures
LOCKOUT_DURATION = dt.timedelta(minutes=15)
SERVICE_TOKEN_PREFIX = "ohs_svc"  # noqa: S105 - a public prefix, not a secret


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _check_agency(agency: str) -> str:
    try:
        return Agency(agency).value
    except ValueError:
        raise InvalidInput(f"unknown agency {agency!r}") from None


def _check_roles(roles: list[str] | tuple[str, ...]) -> list[str]:
    out = []
    for r in roles:
        try:
            role = Role(r)
        except ValueError:
            raise InvalidInput(f"unknown role {r!r}; roles: {', '.join(Role)}") from None
        if role is Role.AGENCY_SYSTEM:
            raise InvalidInput("agency_system is for service accounts, not users")
        out.append(role.value)
    if not out:
        raise InvalidInput("a user needs at least one role")
    return sorted(set(out))


def user_principal(user: User | Any, auth: AuthMethod = AuthMethod.PASSWORD) -> Principal:
    """The principal of a user: a `User`, or anything with its id, username, display_name,
    agency_id, roles and unit (the web session's column read)."""
    return Principal(
        id=f"user:{user.id}",
        kind=PrincipalKind.USER,
        agency=user.agency_id,
        roles=frozenset(Role(r) for r in user.roles if r in Role.__members__.values()),
        unit=user.unit,
        name=user.display_name or user.username,
        auth=auth,
    )


def create_user(
    session: Session,
    *,
    username: str,
    agency: str,
    roles: list[str] | tuple[str, ...],
    password: str | None = None,
    unit: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
    sso_subject: str | None = None,
) -> User:
    username = username.strip().lower()
    if not username or len(username) > 100:
        raise InvalidInput("a username has 1 to 100 characters")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"user {username!r} exists")
    user = User(
        username=username,
        agency_id=_check_agency(agency),
        roles=_check_roles(roles),
        password_hash=hash_password(password) if password is not None else None,
        unit=unit,
        display_name=display_name,
        email=email,
        sso_subject=sso_subject,
        is_active=True,
        failed_logins=0,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(
    session: Session, username: str, password: str, *, now: dt.datetime | None = None
) -> Principal:
    """Check a password; lock the account after LOCKOUT_THRESHOLD failures in a row.

    Every outcome is audited; the error never says whether the user exists or is locked, so the
    sign-in form cannot be used to enumerate accounts.
    """
    now = now or _now()
    name = (username or "").strip().lower()[:100]
    user = session.scalar(select(User).where(User.username == name)) if name else None
    failure = NotAuthenticated("wrong username or password, or the account is locked")
    if user is None:
        verify_password(None, password)  # same cost as a real check
        emit(
            session,
            event_for(
                None, "auth:login", "failure", actor=f"username:{name}", reason="unknown user"
            ),
        )
        raise failure
    locked_until = _aware(user.locked_until)
    if not user.is_active or (locked_until is not None and locked_until > now):
        verify_password(None, password)
        why = "inactive" if not user.is_active else "locked"
        emit(session, event_for(user_principal(user), "auth:login", "denied", reason=why))
        raise failure
    if not verify_password(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        reason = "wrong password"
        if user.failed_logins >= LOCKOUT_THRESHOLD:
            user.locked_until = now + LOCKOUT_DURATION
            user.failed_logins = 0
            reason = f"wrong password; locked until {user.locked_until.isoformat()}"
        session.flush()
        emit(session, event_for(user_principal(user), "auth:login", "failure", reason=reason))
        raise failure
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    principal = user_principal(user)
    emit(session, event_for(principal, "auth:login", "success"))
    return principal


def set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.flush()


# --- service accounts ----------------------------------------------------------------------------


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    account: ServiceAccount
    token: str  # shown once; only its hash is stored


def create_service_account(
    session: Session,
    *,
    name: str,
    agency: str,
    source_system_id: str | None = None,
    expires_at: dt.datetime | None = None,
) -> IssuedToken:
    """A new agency system account; the returned token is the only copy of the secret."""
    if session.scalar(select(ServiceAccount.id).where(ServiceAccount.name == name)) is not None:
        raise Conflict(f"service account {name!r} exists")
    token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    account = ServiceAccount(
        name=name,
        agency_id=_check_agency(agency),
        source_system_id=source_system_id,
        token_id=token_id,
        token_hash=_token_hash(secret),
        is_active=True,
        expires_at=expires_at,
    )
    session.add(account)
    session.flush()
    return IssuedToken(account, f"{SERVICE_TOKEN_PREFIX}_{token_id}_{secret}")


def rotate_service_token(session: Session, account: ServiceAccount) -> IssuedToken:
    token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    account.token_id, account.token_hash = token_id, _token_hash(secret)
    session.flush()
    return IssuedToken(account, f"{SERVICE_TOKEN_PREFIX}_{token_id}_{secret}")


def is_service_token(token: str) -> bool:
    return token.startswith(SERVICE_TOKEN_PREFIX + "_")


def service_principal(account: ServiceAccount) -> Principal:
    return Principal(
        id=f"svc:{account.id}",
        kind=PrincipalKind.SERVICE,
        agency=account.agency_id,
        roles=frozenset({Role.AGENCY_SYSTEM}),
        unit=account.source_system_id,
        name=account.name,
        auth=AuthMethod.SERVICE_TOKEN,
    )


def authenticate_service_token(
    session: Session, token: str, *, now: dt.datetime | None = None
) -> Principal:
    """Resolve `ohs_svc_<id>_<secret>`; a sha256 of a 256-bit secret needs no slow hash."""
    now = now or _now()
    failure = NotAuthenticated("invalid service token")
    parts = token.split("_", 3) if len(token) <= 200 else []
    if len(parts) != 4 or f"{parts[0]}_{parts[1]}" != SERVICE_TOKEN_PREFIX:
        raise failure
    account = session.scalar(select(ServiceAccount).where(ServiceAccount.token_id == parts[2]))
    if account is None or not hmac.compare_digest(account.token_hash, _token_hash(parts[3])):
        raise failure
    expires = _aware(account.expires_at)
    if not account.is_active or (expires is not None and expires <= now):
        raise failure
    account.last_used_at = now
    return service_principal(account)
