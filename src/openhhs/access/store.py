"""Agreements in the database: `openhhs access load` writes them, the decision point reads them.

The YAML in the repository is the authored text; the database row is what is in force, so a
privacy officer can withdraw an agreement at once (`openhhs access withdraw`) without a release.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openhhs.access.agreement import AgreementSpec, ApprovalState, load_dir, parse_agreement
from openhhs.access.models import AgreementRecord
from openhhs.access.policy import Policy
from openhhs.db.columns import Read, execute_columns
from openhhs.errors import NotFound


def spec_sha256(spec: AgreementSpec) -> str:
    canonical = json.dumps(spec.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class LoadReport:
    inserted: list[str]
    updated: list[str]
    unchanged: list[str]
    retired: list[str]  # in the database but no longer in the repository: withdrawn


def load_agreements(
    session: Session, specs: list[AgreementSpec] | None = None, *, retire_missing: bool = True
) -> LoadReport:
    """Upsert agreement versions (default: the shipped YAML); the caller commits.

    A version loaded earlier whose file has since been deleted is withdrawn (`retire_missing`),
    so removing an agreement from the repository stops the sharing it allowed.
    """
    specs = load_dir() if specs is None else specs
    report = LoadReport([], [], [], [])
    if retire_missing:
        keep = {(s.id, s.version) for s in specs}
        for old in session.scalars(select(AgreementRecord)):
            if (old.id, old.version) not in keep and old.state is not ApprovalState.WITHDRAWN:
                old.state = ApprovalState.WITHDRAWN
                old.state_changed_by = "access load: no longer in the repository"
                old.state_changed_at = dt.datetime.now(dt.UTC)
                report.retired.append(f"{old.id}@v{old.version}")
    for spec in specs:
        sha = spec_sha256(spec)
        row = session.get(AgreementRecord, (spec.id, spec.version))
        if row is None:
            session.add(
                AgreementRecord(
                    id=spec.id,
                    version=spec.version,
                    title=spec.title,
                    provider_agency=spec.provider.value,
                    state=spec.approval.state,
                    valid_from=spec.valid_from,
                    valid_to=spec.valid_to,
                    spec=spec.model_dump(mode="json"),
                    sha256=sha,
                    source_file=f"{spec.id.lower()}.v{spec.version}.yaml",
                )
            )
            report.inserted.append(spec.key)
        elif row.sha256 != sha:
            row.title = spec.title
            row.provider_agency = spec.provider.value
            row.state = spec.approval.state
            row.valid_from, row.valid_to = spec.valid_from, spec.valid_to
            row.spec = spec.model_dump(mode="json")
            row.sha256 = sha
            row.loaded_at = dt.datetime.now(dt.UTC)
            report.updated.append(spec.key)
        else:
            report.unchanged.append(spec.key)
    session.flush()
    return report


def set_state(
    session: Session,
    agreement_id: str,
    state: ApprovalState,
    *,
    actor: str,
    version: int | None = None,
) -> list[str]:
    """Change the live approval state of an agreement (all versions unless one is named)."""
    q = select(AgreementRecord).where(AgreementRecord.id == agreement_id)
    if version is not None:
        q = q.where(AgreementRecord.version == version)
    rows = list(session.scalars(q))
    if not rows:
        raise NotFound(f"no agreement {agreement_id!r} is loaded")
    now = dt.datetime.now(dt.UTC)
    for row in rows:
        row.state = state
        row.state_changed_by = actor
        row.state_changed_at = now
    session.flush()
    return [f"{r.id}@v{r.version}" for r in rows]


@lru_cache(maxsize=1)
def shipped_policy() -> Policy:
    return Policy.from_specs(load_dir())


_cache: dict[tuple[tuple[str, int, str, str], ...], Policy] = {}


# built once: every person-level request runs it (see access.facts on why)
_VERSIONS = select(
    AgreementRecord.id, AgreementRecord.version, AgreementRecord.sha256, AgreementRecord.state
)


def versions_read() -> Read:
    """The read `current_policy` starts with, for a caller that sends it with its own."""
    return _VERSIONS, {}


def current_policy(session: Session, versions: Sequence[Any] | None = None) -> Policy:
    """The agreements in force: the database's when loaded, else the shipped YAML.

    One small query per call keeps a withdrawal effective on the very next decision; the compiled
    policy is cached by the (id, version, sha, state) of every row. `versions`: the rows of
    `versions_read`, when the caller has read them in this request already.
    """
    rows = versions if versions is not None else execute_columns(session, _VERSIONS).all()
    if not rows:
        return shipped_policy()
    key = tuple(sorted((r[0], r[1], r[2], str(r[3])) for r in rows))
    policy = _cache.get(key)
    if policy is None:
        records = session.scalars(select(AgreementRecord)).all()
        specs = [parse_agreement(r.spec, f"{r.id}@v{r.version}") for r in records]
        states = {(r.id, r.version): ApprovalState(r.state) for r in records}
        policy = Policy.from_specs(specs, states)
        _cache.clear()
        _cache[key] = policy
    return policy
