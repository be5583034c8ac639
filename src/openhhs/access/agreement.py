"""Data-sharing agreements as code: the spec model authors write in YAML, and its validator.

An agreement is authored here and compiled elsewhere (`policy.py`), so the YAML stays a legal
document a privacy officer can read, and the decision point stays fast. Every rule a spec breaks
comes back as one sentence naming the agreement and the field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from openhhs.access.vocab import (
    CONSENT_CATEGORIES,
    ELEMENTS,
    OWN_AGENCY_ONLY,
    PROVIDER_CATEGORIES,
    ConditionType,
    Purpose,
    Role,
    element_categories,
    expand_pattern,
)
from openhhs.errors import InvalidInput
from openhhs.model.codes import Agency, SensitiveCategory

AGREEMENTS_DIR = Path(__file__).with_name("agreements")
_ID_RE = re.compile(r"^DSA-[A-Z0-9]+(-[A-Z0-9]+)*$")


class ApprovalState(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Citation(_Spec):
    citation: str = Field(min_length=3, max_length=300)
    title: str | None = None
    href: str | None = None


class Recipient(_Spec):
    agency: Agency
    roles: tuple[Role, ...] = Field(min_length=1)
    units: tuple[str, ...] = ()  # empty: every unit of the agency


class Condition(_Spec):
    type: ConditionType
    # consent_required: the categories that need consent; empty means every element shared.
    categories: tuple[SensitiveCategory, ...] = ()

    @model_validator(mode="after")
    def _categories_only_for_consent(self) -> Condition:
        if self.categories and self.type is not ConditionType.CONSENT_REQUIRED:
            raise ValueError(f"'categories' only applies to {ConditionType.CONSENT_REQUIRED}")
        return self


class Approval(_Spec):
    state: ApprovalState
    approved_by: str | None = None
    approved_on: dt.date | None = None
    withdrawn_on: dt.date | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Approval:
        if self.state is not ApprovalState.DRAFT and not (self.approved_by and self.approved_on):
            raise ValueError(f"a {self.state} agreement needs approved_by and approved_on")
        if self.state is ApprovalState.WITHDRAWN and self.withdrawn_on is None:
            raise ValueError("a withdrawn agreement needs withdrawn_on")
        if self.state is not ApprovalState.WITHDRAWN and self.withdrawn_on is not None:
            raise ValueError(f"withdrawn_on is set but the state is {self.state}")
        if self.withdrawn_on and self.approved_on and self.withdrawn_on < self.approved_on:
            raise ValueError("withdrawn_on is before approved_on")
        return self


class AgreementSpec(_Spec):
    """One version of one data-sharing agreement, exactly as the YAML file states it."""

    id: str
    version: int = Field(ge=1)
    title: str = Field(min_length=5, max_length=300)
    summary: str | None = None
    legal_basis: tuple[Citation, ...] = ()
    provider: Agency
    recipients: tuple[Recipient, ...] = Field(min_length=1)
    purposes: tuple[Purpose, ...] = Field(min_length=1)
    elements: tuple[str, ...] = Field(min_length=1)
    exclude_elements: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    valid_from: dt.date
    valid_to: dt.date | None = None
    approval: Approval

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError(f"id {v!r} must look like DSA-DHS-HRA-01 (upper case, dashes)")
        return v

    @field_validator("elements", "exclude_elements")
    @classmethod
    def _known_elements(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in v:
            if not expand_pattern(pattern):
                close = difflib.get_close_matches(pattern, list(ELEMENTS), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ValueError(f"element {pattern!r} names nothing in the catalogue{hint}")
        if len(set(v)) != len(v):
            raise ValueError("an element is listed twice")
        return v

    @field_validator("purposes")
    @classmethod
    def _no_duplicate_purposes(cls, v: tuple[Purpose, ...]) -> tuple[Purpose, ...]:
        if len(set(v)) != len(v):
            raise ValueError("a purpose is listed twice")
        return v

    @model_validator(mode="after")
    def _coherent(self) -> AgreementSpec:
        problems = list(_contradictions(self))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # --- derived views -------------------------------------------------------------------------
    def granted_elements(self) -> frozenset[str]:
        granted: set[str] = set()
        for p in self.elements:
            granted |= expand_pattern(p)
        for p in self.exclude_elements:
            granted -= expand_pattern(p)
        return frozenset(granted)

    def consent_categories(self) -> frozenset[SensitiveCategory] | None:
        """Categories needing consent; None when there is no consent condition at all.

        An empty set means consent is required for every element the agreement shares.
        """
        conds = [c for c in self.conditions if c.type is ConditionType.CONSENT_REQUIRED]
        if not conds:
            return None
        cats: set[SensitiveCategory] = set()
        for c in conds:
            if not c.categories:
                return frozenset()
            cats |= set(c.categories)
        return frozenset(cats)

    def requires_active_case(self) -> bool:
        return any(c.type is ConditionType.ACTIVE_CASE_WITH_CLIENT for c in self.conditions)

    @property
    def key(self) -> str:
        return f"{self.id}@v{self.version}"


def item_categories(element: str, provider: str | None) -> frozenset[SensitiveCategory]:
    """Categories an element carries when it comes from `provider`'s service records."""
    cats = element_categories(element)
    if provider and element.split(".", 1)[0] in ("enrollment", "event", "document"):
        cats = cats | PROVIDER_CATEGORIES.get(provider, frozenset())
    return cats


def _contradictions(spec: AgreementSpec) -> Iterable[str]:
    """Rules that need several fields at once; each yields a sentence saying what to fix."""
    if spec.valid_to is not None and spec.valid_to <= spec.valid_from:
        yield f"valid_to {spec.valid_to} is not after valid_from {spec.valid_from}"
    for r in spec.recipients:
        if r.agency == spec.provider:
            yield (
                f"recipient {r.agency} is the providing agency; an agency reads its own records "
                "without an agreement"
            )
        if len(set(r.roles)) != len(r.roles):
            yield f"recipient {r.agency} lists a role twice"
    agencies = [r.agency for r in spec.recipients]
    if len(set(agencies)) != len(agencies):
        yield "a recipient agency is listed twice; merge its roles into one entry"
    granted: set[str] = set()
    for p in spec.elements:
        granted |= expand_pattern(p)
    for p in spec.exclude_elements:
        excluded = expand_pattern(p)
        if not excluded & granted:
            yield f"exclude_elements {p!r} removes nothing that elements grants"
        granted -= excluded
    for e in sorted(granted & OWN_AGENCY_ONLY):
        yield f"{e} is the providing agency's own data and cannot be shared by an agreement"
    if not granted:
        yield "exclude_elements removes every element; the agreement would share nothing"
    consent = spec.consent_categories()
    carried: set[SensitiveCategory] = set()
    for e in granted:
        carried |= item_categories(e, spec.provider)
    for cat in sorted(carried & set(CONSENT_CATEGORIES)):
        if consent is None or (consent and cat not in consent):
            yield (
                f"shares {cat} information without a consent_required condition for it "
                f"({CONSENT_CATEGORIES[cat]})"
            )
    for cat in sorted(consent or ()):
        if cat not in carried:
            yield f"consent_required names {cat} but no shared element carries it"
    if spec.approval.state is ApprovalState.APPROVED and not spec.legal_basis:
        yield "an approved agreement must cite at least one legal basis"
    if Purpose.RESEARCH in spec.purposes and spec.requires_active_case():
        yield "research is not tied to a client's active case; drop one of the two"
    if any(Role.AGENCY_SYSTEM in r.roles for r in spec.recipients):
        yield "agency systems read only their own records; name people's roles as recipients"


# --- loading -----------------------------------------------------------------------------------


def _format_validation_error(source: str, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(agreement)"
        msg = str(err["msg"]).removeprefix("Value error, ")
        lines.append(f"{source}: {loc}: {msg}")
    return "\n".join(lines)


def parse_agreement(data: Any, source: str = "<agreement>") -> AgreementSpec:
    """Validate one parsed YAML document; raise InvalidInput with every problem on its own line."""
    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: an agreement must be a mapping of fields")
    try:
        return AgreementSpec.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(_format_validation_error(source, exc)) from None


def load_file(path: Path) -> AgreementSpec:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidInput(f"{path}: cannot read YAML: {exc}") from None
    return parse_agreement(data, str(path))


def check_set(specs: Iterable[AgreementSpec]) -> list[str]:
    """Rules across agreements: unique (id, version); approved versions of one id never overlap."""
    problems: list[str] = []
    seen: dict[tuple[str, int], AgreementSpec] = {}
    by_id: dict[str, list[AgreementSpec]] = {}
    for s in specs:
        if (s.id, s.version) in seen:
            problems.append(f"{s.key} is defined twice")
        seen[(s.id, s.version)] = s
        by_id.setdefault(s.id, []).append(s)
    far = dt.date.max
    for agreement_id, versions in by_id.items():
        live = sorted(
            (v for v in versions if v.approval.state is ApprovalState.APPROVED),
            key=lambda v: v.valid_from,
        )
        for a, b in itertools.pairwise(live):
            if (a.valid_to or far) > b.valid_from:
                problems.append(
                    f"{agreement_id}: approved versions {a.version} and {b.version} overlap in "
                    "time; close the older one (valid_to) or withdraw it"
                )
        providers = {v.provider for v in versions}
        if len(providers) > 1:
            problems.append(
                f"{agreement_id}: versions name different providers {sorted(providers)}"
            )
    return problems


def load_dir(directory: Path = AGREEMENTS_DIR) -> list[AgreementSpec]:
    """Every agreement under `directory`; raise InvalidInput listing every problem found."""
    specs: list[AgreementSpec] = []
    errors: list[str] = []
    for path in sorted(directory.glob("*.y*ml")):
        try:
            specs.append(load_file(path))
        except InvalidInput as exc:
            errors.append(exc.message)
    errors += check_set(specs)
    if errors:
        raise InvalidInput("\n".join(errors), details=errors)
    return specs
