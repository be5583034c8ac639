"""Pydantic shapes of the Worker Connect API: push bodies, search, snapshot, review, history.

Every body forbids unknown fields and bounds every string, and rejects control characters
(a NUL byte would otherwise reach PostgreSQL as a 500): bad input is a 422 with the field named.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from openhhs.ingest.schemas import PersonIn
from openhhs.model.codes import EnrollmentStatus, EventType


def _clean(value: str) -> str:
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in value):
        raise ValueError("control characters are not allowed")
    return unicodedata.normalize("NFC", value)


def _walk_clean(value: Any) -> Any:
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, dict):
        return {_walk_clean(k): _walk_clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk_clean(v) for v in value]
    return value


_Clean = AfterValidator(_clean)
Str16 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=16), _Clean]
Str32 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=32), _Clean]
Str64 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64), _Clean]
Str100 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100), _Clean]
Str200 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), _Clean]
Str500 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), _Clean]


SourceId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@/-]*$"),
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PushPerson(PersonIn):
    """A person record pushed by an agency system; the path names its source system and id."""

    model_config = ConfigDict(extra="forbid", str_max_length=2000)

    source_system: str | None = Field(default=None, max_length=64)  # type: ignore[assignment]
    source_id: str | None = Field(default=None, max_length=128)  # type: ignore[assignment]

    @model_validator(mode="before")
    @classmethod
    def _no_control_chars(cls, data: Any) -> Any:
        return _walk_clean(data)


class PushEnrollment(_Body):
    """A program enrollment (service episode) with the agency worker's contact."""

    person_source_id: SourceId
    program_id: Str64
    status: EnrollmentStatus
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    case_number: Str64 | None = None
    worker_name: Str200 | None = None
    worker_phone: Str32 | None = None
    worker_email: Str200 | None = None
    worker_office: Str200 | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> PushEnrollment:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class PushEvent(_Body):
    """A dated event (shelter entry, jail booking, case closing...)."""

    person_source_id: SourceId
    type: EventType
    occurred_at: dt.datetime
    site: Str200 | None = None
    enrollment_source_id: SourceId | None = None
    details: dict[str, Any] = Field(default_factory=dict, max_length=50)

    @model_validator(mode="before")
    @classmethod
    def _no_control_chars(cls, data: Any) -> Any:
        return _walk_clean(data)


class PushResult(BaseModel):
    """What a push did. The Enterprise ID is informational: keep using your own ids (LL75 1b)."""

    kind: Literal["person", "enrollment", "event"]
    source_system: str
    source_id: str
    outcome: str  # inserted | updated | unchanged | restored | tombstoned
    match_outcome: str | None = None  # linked | new | review (persons only)
    enterprise_id: str | None = None
    flags: dict[str, list[str]] = Field(default_factory=dict)


class BatchOp(_Body):
    op: Literal[
        "upsert_person",
        "delete_person",
        "upsert_enrollment",
        "delete_enrollment",
        "upsert_event",
        "delete_event",
    ]
    source_id: SourceId
    person: PushPerson | None = None
    enrollment: PushEnrollment | None = None
    event: PushEvent | None = None

    @model_validator(mode="after")
    def _body_matches_op(self) -> BatchOp:
        needed = {"upsert_person": "person", "upsert_enrollment": "enrollment"}
        needed["upsert_event"] = "event"
        want = needed.get(self.op)
        given = [k for k in ("person", "enrollment", "event") if getattr(self, k) is not None]
        if want and given != [want]:
            raise ValueError(f"{self.op} needs exactly the '{want}' body")
        if not want and given:
            raise ValueError(f"{self.op} takes no body")
        return self


class BatchIn(_Body):
    operations: list[BatchOp] = Field(min_length=1, max_length=500)


class BatchOut(BaseModel):
    results: list[PushResult]


class MatchIn(_Body):
    """A record to score against the index; nothing is stored."""

    first_name: Str100 | None = None
    middle_name: Str100 | None = None
    last_name: Str100 | None = None
    suffix: Str16 | None = None
    dob: Str32 | None = None
    sex: Str16 | None = None
    ssn: Str16 | None = None
    phone: Str32 | None = None
    street: Str200 | None = None
    unit: Str64 | None = None
    city: Str100 | None = None
    state: Str32 | None = None
    zip: Str16 | None = None
    limit: int = Field(default=5, ge=1, le=20)


class SearchHitOut(BaseModel):
    enterprise_id: str
    score: float
    matched: list[str]
    person: dict[str, Any]  # enforced: name, dob (or redaction markers)


class SearchOut(BaseModel):
    results: list[SearchHitOut]
    total: int
    page: int
    page_size: int


class SnapshotOut(BaseModel):
    person_id: str
    purpose: str
    served_by: list[str]
    person: dict[str, Any] = Field(default_factory=dict)
    household: dict[str, Any] = Field(default_factory=dict)
    enrollments: list[Any] = Field(default_factory=list)
    events: list[Any] = Field(default_factory=list)
    alerts: list[Any] = Field(default_factory=list)
    documents: list[Any] = Field(default_factory=list)
    timeline: list[dict[str, Any]] = Field(default_factory=list)
    redactions: dict[str, str] = Field(default_factory=dict)  # element -> reason


class CaseloadEntry(BaseModel):
    enterprise_id: str
    person: dict[str, Any]
    my_programs: list[str]
    other_agencies: list[str]


class CaseloadOut(BaseModel):
    results: list[CaseloadEntry]


class DecisionIn(_Body):
    decision: Literal["same", "different"]
    note: Str500 | None = None


class UnmergeIn(_Body):
    source_person_id: int = Field(ge=1)
    reason: Str500 | None = None
