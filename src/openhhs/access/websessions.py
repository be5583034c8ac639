"""Server-side portal sessions and CSRF tokens.

The cookie holds only a random token; the database keeps its sha256, the user, the CSRF token and
the expiry, so signing out or disabling an account ends the session at once (a signed cookie could
not be revoked). Cookies are HttpOnly, SameSite=Lax and Secure (OPENHHS_COOKIE_SECURE=0 turns
Secure off for plain-http development only).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from starlette.responses import Response

from openhhs.access._audit import emit, event_for
from openhhs.access.accounts import user_principal
from openhhs.access.models import User, WebSession
from openhhs.access.principal import Principal
from openhhs.db.columns import Read, execute_columns
from openhhs.db.writes import note_core_write

SESSION_COOKIE = "openhhs_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"
ABSOLUTE_TTL = dt.timedelta(hours=10)  # one working day, then sign in again
IDLE_TTL = dt.timedelta(minutes=30)
_TOUCH_EVERY = dt.timedelta(minutes=1)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def cookie_secure_default() -> bool:
    return os.environ.get("OPENHHS_COOKIE_SECURE", "1").lower() not in ("0", "false", "no")


@dataclass(frozen=True)
class ActiveSession:
    principal: Principal
    csrf_token: str
    purpose: str | None
    row_id: str


def start_session(
    session: Session,
    user: User,
    *,
    client_ip: str | None = None,
    user_agent: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[str, ActiveSession]:
    """Create a session for a user who just authenticated; return (cookie token, session)."""
    now = now or _now()
    token = secrets.token_urlsafe(32)
    row = WebSession(
        id=_digest(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + ABSOLUTE_TTL,
        client_ip=(client_ip or "")[:64] or None,
        user_agent=(user_agent or "")[:300] or None,
    )
    session.add(row)
    session.flush()
    principal = user_principal(user)
    return token, ActiveSession(
        principal=_with_session(principal, row.id),
        csrf_token=row.csrf_token,
        purpose=None,
        row_id=row.id,
    )


def _with_session(p: Principal, session_id: str) -> Principal:
    return Principal(
        id=p.id,
        kind=p.kind,
        agency=p.agency,
        roles=p.roles,
        unit=p.unit,
        name=p.name,
        auth=p.auth,
        session_id=session_id,
    )


# built once: every authenticated request runs it (see access.facts on why). Plain columns:
# loading the two entities cost more Python than the query.
_SESSION_AND_USER = (
    select(
        WebSession.id,
        WebSession.revoked_at,
        WebSession.expires_at,
        WebSession.last_seen_at,
        WebSession.csrf_token,
        WebSession.purpose,
        User.id.label("user_id"),
        User.username,
        User.display_name,
        User.agency_id,
        User.roles,
        User.unit,
        User.is_active,
    )
    .join(User, User.id == WebSession.user_id)
    .where(WebSession.id == bindparam("digest"))
)
_TOUCH = (
    update(WebSession)
    .where(WebSession.id == bindparam("digest"))
    .values(last_seen_at=bindparam("now"))
)


def session_read(token: str | None) -> Read | None:
    """The read of a cookie token's session row and its user, for a caller that sends it with
    its own reads (`resume_session(rows=...)`); None for a value that cannot be a token."""
    if not token or len(token) > 200:
        return None
    return _SESSION_AND_USER, {"digest": _digest(token)}


def resume_session(
    session: Session,
    token: str | None,
    *,
    now: dt.datetime | None = None,
    rows: Sequence[Any] | None = None,
) -> ActiveSession | None:
    """The live session for a cookie token, or None (unknown, revoked, expired, idle, disabled).

    `rows`: those of `session_read(token)`, when the caller has read them already.
    """
    read = session_read(token)
    if read is None:
        return None
    now = now or _now()
    digest = read[1]["digest"]
    if rows is None:  # the session row and its user in one query
        rows = execute_columns(session, *read).all()
    row = rows[0] if rows else None
    if row is None:
        return None
    if row.revoked_at is not None:
        return None
    if _aware(row.expires_at) <= now or _aware(row.last_seen_at) + IDLE_TTL <= now:
        return None
    if not row.is_active:
        return None
    if now - _aware(row.last_seen_at) >= _TOUCH_EVERY:
        session.connection().execute(_TOUCH, {"digest": digest, "now": now})
        note_core_write(session)
    user = SimpleNamespace(
        id=row.user_id,
        username=row.username,
        display_name=row.display_name,
        agency_id=row.agency_id,
        roles=row.roles,
        unit=row.unit,
    )
    return ActiveSession(
        principal=_with_session(user_principal(user), row.id),
        csrf_token=row.csrf_token,
        purpose=row.purpose,
        row_id=row.id,
    )


def end_session(session: Session, token: str | None, *, now: dt.datetime | None = None) -> None:
    if not token or len(token) > 200:
        return
    row = session.get(WebSession, _digest(token))
    if row is not None and row.revoked_at is None:
        row.revoked_at = now or _now()
        user = session.get(User, row.user_id)
        if user is not None:
            emit(session, event_for(user_principal(user), "auth:logout", "success"))
        session.flush()


def set_session_purpose(session: Session, active: ActiveSession, purpose: str | None) -> None:
    """Remember the purpose the user chose in the portal (validate it with `allowed_purposes`)."""
    row = session.get(WebSession, active.row_id)
    if row is not None:
        row.purpose = purpose
        session.flush()


def csrf_matches(active: ActiveSession, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(active.csrf_token, presented or "")


def set_session_cookie(response: Response, token: str, *, secure: bool | None = None) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(ABSOLUTE_TTL.total_seconds()),
        httponly=True,
        secure=cookie_secure_default() if secure is None else secure,
        samesite="lax",
        path="/",
    )


def clear_session_cookie(response: Response, *, secure: bool | None = None) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        secure=cookie_secure_default() if secure is None else secure,
        samesite="lax",
    )
