"""Agreements compiled for the decision point: per recipient agency, frozen sets to test against."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from openhhs.access.agreement import AgreementSpec, ApprovalState
from openhhs.access.vocab import Purpose, Role
from openhhs.model.codes import SensitiveCategory


@dataclass(frozen=True)
class Grant:
    """One (agreement version, recipient agency) pair, ready to evaluate."""

    agreement_id: str
    version: int
    title: str
    provider: str
    recipient: str
    roles: frozenset[Role]
    units: frozenset[str]
    purposes: frozenset[Purpose]
    elements: frozenset[str]
    requires_active_case: bool
    consent_categories: frozenset[SensitiveCategory] | None  # None: no consent condition
    valid_from: dt.date
    valid_to: dt.date | None
    state: ApprovalState

    @property
    def key(self) -> str:
        return f"{self.agreement_id}@v{self.version}"

    def in_force(self, on: dt.date) -> str | None:
        """None when the grant is in force on `on`, else why not (a sentence fragment)."""
        if self.state is ApprovalState.WITHDRAWN:
            return f"agreement {self.agreement_id} was withdrawn"
        if self.state is not ApprovalState.APPROVED:
            return f"agreement {self.agreement_id} is a draft, not approved"
        if on < self.valid_from:
            return f"agreement {self.agreement_id} is not in force before {self.valid_from}"
        if self.valid_to is not None and on > self.valid_to:
            return f"agreement {self.agreement_id} expired on {self.valid_to}"
        return None


@dataclass(frozen=True)
class Policy:
    """Every agreement version known, indexed by recipient agency."""

    grants_by_recipient: dict[str, tuple[Grant, ...]]
    specs: tuple[AgreementSpec, ...]

    @classmethod
    def from_specs(
        cls,
        specs: Iterable[AgreementSpec],
        states: dict[tuple[str, int], ApprovalState] | None = None,
    ) -> Policy:
        """Compile specs; `states` overrides approval states (the database is the live truth)."""
        states = states or {}
        index: dict[str, list[Grant]] = {}
        specs = tuple(specs)
        for s in specs:
            state = states.get((s.id, s.version), s.approval.state)
            for r in s.recipients:
                index.setdefault(r.agency.value, []).append(
                    Grant(
                        agreement_id=s.id,
                        version=s.version,
                        title=s.title,
                        provider=s.provider.value,
                        recipient=r.agency.value,
                        roles=frozenset(r.roles),
                        units=frozenset(r.units),
                        purposes=frozenset(s.purposes),
                        elements=s.granted_elements(),
                        requires_active_case=s.requires_active_case(),
                        consent_categories=s.consent_categories(),
                        valid_from=s.valid_from,
                        valid_to=s.valid_to,
                        state=state,
                    )
                )
        return cls({k: tuple(v) for k, v in index.items()}, specs)

    def grants_for(self, agency: str) -> tuple[Grant, ...]:
        return self.grants_by_recipient.get(agency, ())

    def purposes_for(self, agency: str, roles: Iterable[Role], on: dt.date) -> frozenset[Purpose]:
        """Purposes some in-force agreement allows this agency and role set."""
        roles = frozenset(roles)
        out: set[Purpose] = set()
        for g in self.grants_for(agency):
            if g.roles & roles and g.in_force(on) is None:
                out |= g.purposes
        return frozenset(out)

    def providers_for(self, agency: str, on: dt.date) -> frozenset[str]:
        """Agencies that share something with `agency` under an agreement in force."""
        return frozenset(g.provider for g in self.grants_for(agency) if g.in_force(on) is None)
