"""Pydantic shapes of the ingest: a person as an agency sends it, and what a load reports."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from openhhs.model.codes import MissingReason

Outcome = Literal["inserted", "updated", "unchanged", "restored", "tombstoned"]


class PersonIn(BaseModel):
    """One agency's record of one person, as sent (file row or push API): values not yet clean.

    File ingest and the Worker Connect push API both turn this into a stored `SourcePerson`
    through the same standardization, so a pushed record and a loaded one compare alike.
    """

    model_config = ConfigDict(extra="forbid", str_max_length=5000)

    source_system: str = Field(min_length=1, max_length=64)
    source_id: str = Field(min_length=1, max_length=128)
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    suffix: str | None = None
    full_name: str | None = None  # parsed when the parts are not given separately
    aliases: list[str] = Field(default_factory=list, max_length=20)
    dob: str | dt.date | None = None
    date_format: str | None = None  # strptime hint for `dob` when it is not ISO
    sex: str | None = None
    gender_identity: str | None = None
    races: list[str] = Field(default_factory=list, max_length=10)
    race_detail: str | None = None
    ssn: str | None = None
    phones: list[str] = Field(default_factory=list, max_length=10)
    address: str | None = None  # one line; used when street is not given
    street: str | None = None
    unit: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    language: str | None = None
    needs_interpreter: bool | None = None
    identifiers: dict[str, str] = Field(default_factory=dict)  # IdentifierKind value -> value
    missing: dict[str, MissingReason] = Field(default_factory=dict)  # field -> reason
    updated_at: dt.datetime | None = None
    raw: dict[str, Any] | None = None  # the payload as the agency wrote it (default: this model)
    flags: dict[str, list[str]] = Field(default_factory=dict)  # flags raised before this point


class SourcePersonRecord(BaseModel):
    """What the push API returns: the stored record's id and what the call changed."""

    id: int
    source_system: str
    source_id: str
    agency_id: str
    outcome: Outcome
    batch_id: int | None
    flags: dict[str, list[str]] = Field(default_factory=dict)


class Problem(BaseModel):
    """Why one row was rejected (it is in the quarantine table with its raw text)."""

    file: str
    row: int | None
    field: str | None
    reason: str


class FileReport(BaseModel):
    """The outcome of one file (or one HMIS zip): loaded atomically or not at all."""

    path: str
    source_system: str | None = None
    entity: str | None = None
    batch_id: int | None = None
    status: Literal["committed", "failed", "skipped"] = "committed"
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    tombstoned: int = 0
    flagged_deleted: int = 0  # rows whose delete flag tombstoned a stored record
    not_applicable: int = 0  # rows this spec does not read (`only_if` blank; see docs)
    error: str | None = None
    problems: list[Problem] = Field(default_factory=list)  # the first few, for the report
    warnings: list[str] = Field(default_factory=list)
    seconds: float = 0.0

    @property
    def stored(self) -> int:
        return self.inserted + self.updated + self.unchanged + self.flagged_deleted

    @property
    def reconciles(self) -> bool:
        """Every row read was stored, quarantined or is not this spec's (`only_if`)."""
        return self.status != "committed" or (
            self.rows_read == self.stored + self.quarantined + self.not_applicable
        )


class IngestReport(BaseModel):
    files: list[FileReport] = Field(default_factory=list)

    def total(self, attr: str) -> int:
        return sum(int(getattr(f, attr)) for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def skipped(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "skipped"]

    @property
    def ok(self) -> bool:
        return not self.failed
