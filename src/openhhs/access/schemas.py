"""Request and response bodies of the access API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ConsentIn(_In):
    person_id: str = Field(min_length=1, max_length=64)
    recipients: list[str] = Field(min_length=1, max_length=8)
    purposes: list[str] = Field(min_length=1, max_length=10)
    categories: list[str] = Field(default_factory=list, max_length=10)
    elements: list[str] = Field(default_factory=list, max_length=60)
    documents: list[str] = Field(default_factory=list, max_length=50)
    source_agencies: list[str] = Field(default_factory=list, max_length=8)
    method: str = Field(max_length=20)
    effective_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    notes: str | None = Field(default=None, max_length=2000)


class WithdrawIn(_In):
    method: str = Field(max_length=20)
    notes: str | None = Field(default=None, max_length=2000)


class ConsentOut(BaseModel):
    id: int
    person_id: str
    status: str
    withdraws_id: int | None
    recipients: list[str]
    purposes: list[str]
    categories: list[str]
    elements: list[str]
    effective_at: dt.datetime
    expires_at: dt.datetime | None
    method: str


class MeOut(BaseModel):
    id: str
    kind: str
    agency: str
    unit: str | None
    roles: list[str]
    purposes: list[str]


class AgreementOut(BaseModel):
    id: str
    version: int
    title: str
    state: str
    provider: str
    recipients: dict[str, list[str]]
    purposes: list[str]
    elements: list[str]
    conditions: list[str]
    valid_from: dt.date
    valid_to: dt.date | None
    legal_basis: list[str]
