"""Authentication: argon2 passwords and lockout, service tokens, sessions, SSO JWT validation."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.access._audit import recent_events
from openhhs.access.accounts import (
    LOCKOUT_DURATION,
    LOCKOUT_THRESHOLD,
    authenticate,
    authenticate_service_token,
    create_service_account,
    create_user,
)
from openhhs.access.passwords import hash_password, verify_password
from openhhs.access.principal import AuthMethod, PrincipalKind
from openhhs.access.sso import SSOConfig, principal_from_claims, validate_jwt
from openhhs.access.vocab import Role
from openhhs.access.websessions import end_session, resume_session, start_session
from openhhs.audit import AuditEntry
from openhhs.errors import Conflict, InvalidInput, NotAuthenticated

PASSWORD = "correct horse battery staple"
ISSUER, AUDIENCE = "https://idp.example.nyc.gov", "openhhs"


def _keypair() -> tuple[Any, dict[str, Any]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "k1", "alg": "RS256", "use": "sig"})
    return key, jwk


KEY, JWK = _keypair()
OTHER_KEY, _ = _keypair()
CONFIG = SSOConfig.from_jwks(ISSUER, AUDIENCE, {"keys": [JWK]})


def token(claims: dict[str, Any] | None = None, *, key: Any = KEY, **headers: Any) -> str:
    now = dt.datetime.now(dt.UTC)
    body = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "jdoe@hra",
        "iat": now,
        "exp": now + dt.timedelta(minutes=5),
        "openhhs_agency": "HRA",
        "openhhs_roles": ["caseworker"],
    }
    body.update(claims or {})
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm="RS256",
                      headers={"kid": "k1", **headers})  # fmt: skip


# --- passwords and lockout ------------------------------------------------------------------


@pytest.mark.real_argon2
def test_passwords_are_argon2id_and_never_crash_on_garbage() -> None:
    h = hash_password(PASSWORD)
    assert h.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password(h, PASSWORD)
    assert not verify_password(h, PASSWORD + "x")
    assert not verify_password("not-a-hash", PASSWORD)
    assert not verify_password(None, PASSWORD)
    assert not verify_password(h, "x" * 100_000)
    with pytest.raises(InvalidInput):
        hash_password("short")


def test_lockout_after_repeated_failures_then_release(session: Session) -> None:
    create_user(session, username="Ana", agency="HRA", roles=["caseworker"], password=PASSWORD)
    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    for _ in range(LOCKOUT_THRESHOLD):
        with pytest.raises(NotAuthenticated):
            authenticate(session, "ana", "wrong password!", now=now)
    # locked: even the right password is refused, with the same message
    with pytest.raises(NotAuthenticated) as err:
        authenticate(session, "ana", PASSWORD, now=now + dt.timedelta(minutes=1))
    assert err.value.message == "wrong username or password, or the account is locked"
    p = authenticate(session, " ANA ", PASSWORD, now=now + LOCKOUT_DURATION + dt.timedelta(1))
    assert p.agency == "HRA" and p.roles == {Role.CASEWORKER} and p.auth is AuthMethod.PASSWORD
    outcomes = [e.outcome for e in recent_events() if e.action == "auth:login"][-7:]
    assert outcomes == ["failure"] * 5 + ["denied", "success"]
    rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "login")).all()
    assert [r.outcome for r in rows] == ["failure"] * 5 + ["denied", "success"]
    assert rows[5].detail["reason"] == "locked"


def test_unknown_users_and_bad_accounts(session: Session) -> None:
    with pytest.raises(NotAuthenticated) as err:
        authenticate(session, "nobody", PASSWORD)
    assert err.value.message == "wrong username or password, or the account is locked"
    create_user(session, username="bo", agency="DHS", roles=["caseworker"], password=PASSWORD)
    with pytest.raises(Conflict):
        create_user(session, username="BO", agency="DHS", roles=["caseworker"], password=PASSWORD)
    with pytest.raises(InvalidInput, match="unknown agency"):
        create_user(session, username="x", agency="FBI", roles=["caseworker"], password=PASSWORD)
    with pytest.raises(InvalidInput, match="unknown role"):
        create_user(session, username="x", agency="DHS", roles=["root"], password=PASSWORD)
    with pytest.raises(InvalidInput, match="service accounts"):
        create_user(session, username="x", agency="DHS", roles=["agency_system"], password=PASSWORD)


# --- service accounts -----------------------------------------------------------------------


def test_service_tokens(session: Session) -> None:
    issued = create_service_account(session, name="dhs-carres", agency="DHS")
    p = authenticate_service_token(session, issued.token)
    assert p.kind is PrincipalKind.SERVICE and p.agency == "DHS"
    assert p.roles == {Role.AGENCY_SYSTEM}
    prefix, _, secret = issued.token.rpartition("_")
    for bad in (
        f"{prefix}_{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}",  # tampered secret
        f"ohs_svc_{'0' * 16}_{secret}",  # unknown id
        "ohs_svc_",
        "ohs_svc_' or 1=1 --_x",
        "x" * 10_000,
    ):
        with pytest.raises(NotAuthenticated):
            authenticate_service_token(session, bad)
    issued.account.is_active = False
    with pytest.raises(NotAuthenticated):
        authenticate_service_token(session, issued.token)
    issued.account.is_active = True
    issued.account.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with pytest.raises(NotAuthenticated):
        authenticate_service_token(session, issued.token)


# --- server-side sessions ---------------------------------------------------------------------


def test_sessions_expire_idle_and_end_on_sign_out(session: Session) -> None:
    user = create_user(
        session, username="cw", agency="HRA", roles=["caseworker"], password=PASSWORD
    )
    t0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    tok, active = start_session(session, user, now=t0)
    assert len(active.csrf_token) >= 32 and active.principal.session_id
    assert resume_session(session, tok, now=t0 + dt.timedelta(minutes=20)) is not None
    assert resume_session(session, tok, now=t0 + dt.timedelta(minutes=49)) is not None
    assert resume_session(session, tok, now=t0 + dt.timedelta(minutes=80)) is None  # idle
    tok2, _ = start_session(session, user, now=t0)
    assert resume_session(session, tok2 + "x", now=t0) is None
    assert resume_session(session, "", now=t0) is None and resume_session(session, None) is None
    user.is_active = False
    assert resume_session(session, tok2, now=t0) is None  # disabled accounts lose sessions
    user.is_active = True
    end_session(session, tok2, now=t0)
    assert resume_session(session, tok2, now=t0) is None


# --- single sign-on JWTs ----------------------------------------------------------------------


def test_a_valid_sso_token_yields_a_principal(session: Session) -> None:
    claims = validate_jwt(CONFIG, token({"openhhs_unit": "Job Center 12"}))
    p = principal_from_claims(session, CONFIG, claims)
    assert (p.id, p.agency, p.unit, p.auth) == (
        "sso:jdoe@hra",
        "HRA",
        "Job Center 12",
        AuthMethod.SSO,
    )
    # a subject known here keeps the agency and roles stored here, not the token's
    create_user(
        session, username="jdoe", agency="DHS", roles=["supervisor"], sso_subject="jdoe@hra"
    )
    p = principal_from_claims(session, CONFIG, claims)
    assert p.agency == "DHS" and p.roles == {Role.SUPERVISOR}


def _tampered() -> str:
    head, body, sig = token().split(".")
    claims = json.loads(jwt.utils.base64url_decode(body))
    claims["openhhs_roles"] = ["administrator"]
    forged = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    return f"{head}.{forged}.{sig}"


def _alg_none() -> str:
    head = jwt.utils.base64url_encode(b'{"alg":"none","kid":"k1"}').decode()
    body = jwt.utils.base64url_encode(json.dumps({"sub": "x", "aud": AUDIENCE}).encode()).decode()
    return f"{head}.{body}."


def _hs256_with_public_key() -> str:
    """The classic key-confusion forgery: HMAC-signed with the public key as the secret."""
    secret = jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()).encode()
    head = jwt.utils.base64url_encode(b'{"alg":"HS256","kid":"k1","typ":"JWT"}')
    body = jwt.utils.base64url_encode(json.dumps({"sub": "x", "aud": AUDIENCE}).encode())
    sig = hmac.new(secret, head + b"." + body, hashlib.sha256).digest()
    return b".".join([head, body, jwt.utils.base64url_encode(sig)]).decode()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_tampered, "invalid bearer token"),
        (lambda: token({"exp": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)}), "expired"),
        (lambda: token(key=OTHER_KEY), "invalid bearer token"),
        (lambda: token({"aud": "another-app"}), "another audience"),
        (lambda: token({"iss": "https://evil.example"}), "untrusted issuer"),
        (lambda: token({"exp": None}), "invalid bearer token"),
        (lambda: token(kid="k2"), "unknown key"),
        (_alg_none, "algorithm not accepted"),
        (_hs256_with_public_key, "algorithm not accepted"),
        (lambda: "not.a.jwt", "malformed"),
        (lambda: "x" * 9000, "too long"),
    ],
    ids=["tampered", "expired", "wrong-key", "wrong-audience", "wrong-issuer", "no-exp",
         "unknown-kid", "alg-none", "hs256-confusion", "garbage", "oversized"],
)  # fmt: skip
def test_bad_tokens_are_refused(make: Any, message: str) -> None:
    with pytest.raises(NotAuthenticated) as err:
        validate_jwt(CONFIG, make())
    assert message in err.value.message


def test_tokens_must_name_a_known_agency_and_role() -> None:
    for claims in ({"openhhs_agency": "FBI"}, {"openhhs_roles": ["agency_system", "root"]}):
        with pytest.raises(NotAuthenticated):
            principal_from_claims(None, CONFIG, validate_jwt(CONFIG, token(claims)))
