"""Bearer JWTs from the city's identity provider, checked against a configured issuer and JWKS.

Only asymmetric algorithms are accepted (no `none`, no HS256 with a public key as secret); `exp`,
`iat`, `iss`, `aud` and `sub` are required. The JWKS is read from a file so nothing is fetched at
run time; rotate keys by replacing the file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.access.accounts import user_principal
from openhhs.access.models import User
from openhhs.access.principal import AuthMethod, Principal, PrincipalKind
from openhhs.access.vocab import Role
from openhhs.errors import NotAuthenticated
from openhhs.model.codes import Agency

ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA")
MAX_TOKEN_LENGTH = 8192


@dataclass(frozen=True)
class SSOConfig:
    issuer: str
    audience: str
    jwks: jwt.PyJWKSet
    agency_claim: str = "openhhs_agency"
    roles_claim: str = "openhhs_roles"
    unit_claim: str = "openhhs_unit"
    leeway_seconds: int = 30

    @classmethod
    def from_jwks_file(cls, issuer: str, audience: str, path: Path, **kw: Any) -> SSOConfig:
        return cls(issuer, audience, jwt.PyJWKSet.from_json(path.read_text()), **kw)

    @classmethod
    def from_jwks(cls, issuer: str, audience: str, jwks: Mapping[str, Any], **kw: Any) -> SSOConfig:
        return cls(issuer, audience, jwt.PyJWKSet.from_json(json.dumps(jwks)), **kw)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SSOConfig | None:
        """OPENHHS_SSO_ISSUER, OPENHHS_SSO_AUDIENCE, OPENHHS_SSO_JWKS_FILE; None when unset."""
        env = os.environ if env is None else env
        issuer, audience = env.get("OPENHHS_SSO_ISSUER"), env.get("OPENHHS_SSO_AUDIENCE")
        jwks_file = env.get("OPENHHS_SSO_JWKS_FILE")
        if not (issuer and audience and jwks_file):
            return None
        return cls.from_jwks_file(issuer, audience, Path(jwks_file))


def _signing_key(config: SSOConfig, token: str) -> jwt.PyJWK:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise NotAuthenticated("malformed bearer token") from None
    if header.get("alg") not in ALLOWED_ALGORITHMS:
        raise NotAuthenticated("bearer token algorithm not accepted")
    kid = header.get("kid")
    keys = config.jwks.keys
    if kid is not None:
        for key in keys:
            if key.key_id == kid:
                return key
        raise NotAuthenticated("bearer token signed by an unknown key")
    if len(keys) == 1:
        return keys[0]
    raise NotAuthenticated("bearer token names no key id")


def validate_jwt(config: SSOConfig, token: str) -> dict[str, Any]:
    """The verified claims of `token`; NotAuthenticated for anything else."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise NotAuthenticated("bearer token too long")
    key = _signing_key(config, token)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=[key.algorithm_name] if key.algorithm_name in ALLOWED_ALGORITHMS else [],
            audience=config.audience,
            issuer=config.issuer,
            leeway=config.leeway_seconds,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("bearer token expired") from None
    except jwt.InvalidAudienceError:
        raise NotAuthenticated("bearer token is for another audience") from None
    except jwt.InvalidIssuerError:
        raise NotAuthenticated("bearer token from an untrusted issuer") from None
    except jwt.PyJWTError:
        raise NotAuthenticated("invalid bearer token") from None
    return claims


def principal_from_claims(
    session: Session | None, config: SSOConfig, claims: Mapping[str, Any]
) -> Principal:
    """A known SSO user keeps the agency and roles stored here; others get those of the token."""
    sub = str(claims["sub"])[:200]
    if session is not None:
        user = session.scalar(select(User).where(User.sso_subject == sub))
        if user is not None:
            if not user.is_active:
                raise NotAuthenticated("account disabled")
            return user_principal(user, AuthMethod.SSO)
    try:
        agency = Agency(str(claims.get(config.agency_claim))).value
    except ValueError:
        raise NotAuthenticated("bearer token names no known agency") from None
    raw_roles = claims.get(config.roles_claim) or []
    if isinstance(raw_roles, str):
        raw_roles = raw_roles.split()
    roles = set()
    for r in raw_roles if isinstance(raw_roles, list) else []:
        if r in Role.__members__.values() and r != Role.AGENCY_SYSTEM:
            roles.add(Role(r))
    if not roles:
        raise NotAuthenticated("bearer token grants no OpenHHS role")
    unit = claims.get(config.unit_claim)
    return Principal(
        id=f"sso:{sub}",
        kind=PrincipalKind.USER,
        agency=agency,
        roles=frozenset(roles),
        unit=str(unit)[:100] if unit else None,
        name=str(claims.get("name") or sub)[:200],
        auth=AuthMethod.SSO,
    )
