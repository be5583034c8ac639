"""Who is asking: a user of an agency or an agency's system, as every decision sees them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from openhhs.access.vocab import OWN_AGENCY_PURPOSES, Purpose, Role


class PrincipalKind(StrEnum):
    USER = "user"
    SERVICE = "service"


class AuthMethod(StrEnum):
    PASSWORD = "password"  # noqa: S105 - built-in account, server-side session cookie
    SSO = "sso"  # bearer JWT from the configured identity provider
    SERVICE_TOKEN = "service_token"  # noqa: S105 - agency system token


@dataclass(frozen=True)
class Principal:
    """An authenticated actor. `id` is stable and goes into the audit (`user:42`, `svc:7`)."""

    id: str
    kind: PrincipalKind
    agency: str
    roles: frozenset[Role]
    unit: str | None = None
    name: str | None = None
    auth: AuthMethod = AuthMethod.PASSWORD
    session_id: str | None = field(default=None, compare=False)

    @property
    def is_service(self) -> bool:
        return self.kind is PrincipalKind.SERVICE

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def own_agency_purposes(self) -> frozenset[Purpose]:
        """Purposes for which this principal reads its own agency's records."""
        out: set[Purpose] = set()
        for role in self.roles:
            out |= OWN_AGENCY_PURPOSES.get(role, frozenset())
        return frozenset(out)
