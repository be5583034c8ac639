"""Pydantic shapes of the audit API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel


class VerifyOut(BaseModel):
    ok: bool
    entries: int
    head_seq: int | None
    head_hash: str | None
    first_bad_seq: int | None
    problem: str | None
    reason: str | None
    protected: bool


class AuditEntryOut(BaseModel):
    """One access to a person, as the privacy officer sees it ("who looked, when, why")."""

    seq: int
    at: dt.datetime
    actor: str
    actor_agency: str | None
    purpose: str | None
    action: str
    outcome: str
    elements: list[str]
    agreement_id: str | None
    request_id: str | None
    reason: str | None


class FhirBundleOut(BaseModel):
    resourceType: str = "Bundle"
    type: str = "collection"
    next_after: int | None = None  # pass as ?after= for the next page
    entry: list[dict[str, Any]]
