"""FastAPI dependencies: who is calling (`current_principal`) and why (`require_purpose`).

Routers declare `principal: PrincipalDep, purpose: PurposeDep` and pass both to `enforce`. A
bearer token (SSO JWT or agency service token) wins over the session cookie; cookie-authenticated
unsafe requests must carry the session's CSRF token (header `X-CSRF-Token` or form field
`csrf_token`). Failures raise `openhhs.errors` classes, which the app renders as 401/403.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator, Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from openhhs.access._audit import emit, event_for
from openhhs.access.accounts import authenticate_service_token, is_service_token
from openhhs.access.enforce import REQUEST_POLICY
from openhhs.access.pdp import allowed_purposes
from openhhs.access.policy import Policy
from openhhs.access.principal import Principal
from openhhs.access.rls import act_as_app
from openhhs.access.sso import SSOConfig, principal_from_claims, validate_jwt
from openhhs.access.store import current_policy, versions_read
from openhhs.access.vocab import Purpose, Role
from openhhs.access.websessions import (
    CSRF_FORM_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    ActiveSession,
    csrf_matches,
    resume_session,
    session_read,
)
from openhhs.db.columns import fetch_together
from openhhs.db.writes import has_pending_writes
from openhhs.errors import Forbidden, NotAuthenticated

PURPOSE_HEADER = "X-OpenHHS-Purpose"
PURPOSE_PARAM = "purpose"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def access_db(request: Request) -> AsyncIterator[Session]:
    """A session on the app's engine (`app.state.engine`); commits what authentication touched.

    Async on purpose: opening a session touches no database, and a sync generator dependency
    costs two thread-pool hops per request (enter and exit), ~15% of a snapshot's CPU with
    `require_purpose` as the third. Routes commit their own writes; closing returns the
    connection to the pool.
    """
    engine: Engine = request.app.state.engine
    with Session(engine, expire_on_commit=False) as session:
        yield session
        if has_pending_writes(session):
            session.commit()


@lru_cache(maxsize=4)
def _sso_config_for(issuer: str, audience: str, jwks_file: str, mtime_ns: int) -> SSOConfig:
    return SSOConfig.from_jwks_file(issuer, audience, Path(jwks_file))


def _env_sso_config() -> SSOConfig | None:
    """From OPENHHS_SSO_*; the JWKS file is re-read when it changes (key rotation)."""
    issuer, audience = os.environ.get("OPENHHS_SSO_ISSUER"), os.environ.get("OPENHHS_SSO_AUDIENCE")
    jwks_file = os.environ.get("OPENHHS_SSO_JWKS_FILE")
    if not (issuer and audience and jwks_file):
        return None
    try:
        mtime = Path(jwks_file).stat().st_mtime_ns
    except OSError:
        raise NotAuthenticated("single sign-on keys are unavailable on this server") from None
    return _sso_config_for(issuer, audience, jwks_file, mtime)


def sso_config(request: Request) -> SSOConfig | None:
    """`app.state.sso_config` when the app sets one (tests), else from OPENHHS_SSO_* variables."""
    config = getattr(request.app.state, "sso_config", None)
    return config if isinstance(config, SSOConfig) else _env_sso_config()


async def _presented_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FORM_FIELD)
        return value if isinstance(value, str) else None
    return None


async def current_principal(
    request: Request, db: Annotated[Session, Depends(access_db)]
) -> Principal:
    """The authenticated caller, or 401. Sets `request.state.principal` (and `.web_session`)."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    auth = request.headers.get("authorization")
    principal: Principal
    if auth:
        scheme, _, token = auth.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise NotAuthenticated("use an Authorization: Bearer token")
        try:
            if is_service_token(token):
                principal = authenticate_service_token(db, token)
            else:
                config = sso_config(request)
                if config is None:
                    raise NotAuthenticated("single sign-on is not configured on this server")
                principal = principal_from_claims(db, config, validate_jwt(config, token))
        except NotAuthenticated as exc:
            emit(db, event_for(None, "auth:token", "failure", reason=exc.message))
            db.commit()
            raise
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        read = session_read(cookie)
        rows: Sequence[Any] = []
        if read is not None:
            # the session and the agreement versions `check_purpose` needs, in one round trip
            rows, versions = fetch_together(db, [read, versions_read()])
            request.state.policy = current_policy(db, versions)
        active = resume_session(db, cookie, rows=rows)
        if active is None:
            raise NotAuthenticated("sign in first")
        if request.method not in _SAFE_METHODS and not csrf_matches(
            active, await _presented_csrf(request)
        ):
            emit(
                db,
                event_for(
                    active.principal, "auth:csrf", "denied", reason="missing or wrong CSRF token"
                ),
            )
            db.commit()
            raise Forbidden("missing or wrong CSRF token")
        request.state.web_session = active
        principal = active.principal
    request.state.principal = principal
    return principal


def web_session(
    request: Request, principal: Annotated[Principal, Depends(current_principal)]
) -> ActiveSession | None:
    """The portal session behind the request (None for bearer-token callers)."""
    active = getattr(request.state, "web_session", None)
    return active if isinstance(active, ActiveSession) else None


def purposes_of(db: Session, principal: Principal, on: dt.date | None = None) -> list[Purpose]:
    """Purposes to offer in the portal's purpose picker, sorted."""
    on = on or dt.datetime.now(dt.UTC).date()
    return sorted(allowed_purposes(current_policy(db), principal, on))


def check_purpose(request: Request, principal: Principal, db: Session) -> Purpose:
    """The purpose of the request (header, query parameter, or the portal session's choice).

    It must be one the principal's own agency or an agreement in force allows for its roles;
    anything else is purpose spoofing: 403, and audited. On a GET/HEAD (a person-level read) the
    request's session then runs as `openhhs_app` under row-level security (`rls.act_as_app`).
    """
    raw = request.headers.get(PURPOSE_HEADER) or request.query_params.get(PURPOSE_PARAM)
    if not raw:
        active = getattr(request.state, "web_session", None)
        raw = active.purpose if isinstance(active, ActiveSession) else None
    if not raw:
        raise Forbidden(f"name the purpose of this request ({PURPOSE_HEADER} header or ?purpose=)")
    raw = raw.strip()[:64]
    try:
        purpose = Purpose(raw)
    except ValueError:
        purpose = None
    policy = getattr(request.state, "policy", None)
    if not isinstance(policy, Policy):  # a bearer token's request: not read with the session
        policy = current_policy(db)
    db.info[REQUEST_POLICY] = policy  # the request's enforcement decides by the same agreements
    allowed = allowed_purposes(policy, principal, dt.datetime.now(dt.UTC).date())
    if purpose is None or purpose not in allowed:
        emit(
            db,
            event_for(
                principal, "purpose:denied", "denied", purpose=raw, reason="purpose not allowed"
            ),
        )
        db.commit()
        raise Forbidden(f"purpose {raw!r} is not allowed for your agency and role")
    request.state.purpose = purpose
    if request.method in _SAFE_METHODS:
        # person-level read: from here on the request's transactions run as the non-owner role
        # with the acting agencies set (PostgreSQL row-level security; see access/rls.py)
        request.state.rls_agencies = act_as_app(db, principal, policy)
    return purpose


async def require_purpose(
    request: Request,
    principal: Annotated[Principal, Depends(current_principal)],
    db: Annotated[Session, Depends(access_db)],
) -> Purpose:
    """`check_purpose` as a dependency. Async like `current_principal`: its reads (the agreement
    versions, already read with a cookie request's session; the row-level-security settings
    under PostgreSQL) cost less than a sync dependency's thread-pool hop."""
    return check_purpose(request, principal, db)


def require_role(*roles: Role) -> Callable[..., Any]:
    """Dependency factory: 403 unless the principal has one of `roles`."""

    def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not principal.has_role(*roles):
            raise Forbidden(f"needs one of the roles: {', '.join(roles)}")
        return principal

    return check


PrincipalDep = Annotated[Principal, Depends(current_principal)]
PurposeDep = Annotated[Purpose, Depends(require_purpose)]
WebSessionDep = Annotated[ActiveSession | None, Depends(web_session)]
