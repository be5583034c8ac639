"""Mapping specs: how one agency's native files become common-model records (authored, not run).

A spec is YAML in `ingest/mappings/<source>.yaml`, loaded into these pydantic models (so a typo
fails when the spec is read, not in the middle of a night's load) and round-trips back to YAML.
`openhhs.ingest.transform` compiles a `FileSpec` into the function that maps one row.
"""

from __future__ import annotations

import fnmatch
import functools
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from openhhs.errors import InvalidInput
from openhhs.model.codes import Agency, BatchMode, ProgramArea, SensitiveCategory

MAPPINGS_DIR = Path(__file__).with_name("mappings")

Entity = Literal[
    "person", "household", "household_member", "income", "enrollment", "event", "record"
]

# Target fields each entity accepts; anything else in a spec is a spec error.
TARGETS: dict[str, frozenset[str]] = {
    "person": frozenset(
        {
            "first_name",
            "middle_name",
            "last_name",
            "suffix",
            "full_name",  # "LAST, FIRST M" or "First M Last", parsed
            "alias",  # another full name the person is known by
            "dob",
            "sex",
            "gender_identity",
            "race",
            "hispanic",  # a separate ethnicity column that adds HISPANIC to the races
            "race_detail",
            "ssn",
            "phone",
            "phone2",
            "address",  # one-line address, parsed
            "street",
            "unit",
            "city",
            "state",
            "zip",
            "language",
            "needs_interpreter",
        }
    ),
    "household": frozenset(
        {"living", "rental_type", "cash_on_hand", "rent_amount", "rent_frequency"}
    ),
    "household_member": frozenset({"relationship", "valid_from", "valid_to"}),
    "income": frozenset({"income_type", "amount", "frequency", "valid_from", "valid_to"}),
    "enrollment": frozenset(
        {
            "program",
            "status",
            "start_date",
            "end_date",
            "case_number",
            "worker_name",
            "worker_phone",
            "worker_email",
            "worker_office",
        }
    ),
    "event": frozenset({"type", "occurred_at", "site", "details"}),
    "record": frozenset(),  # kept in the ingest ledger only (raw + lineage), e.g. HMIS Services
}

# Which references each entity needs (to rows of an earlier-loaded entity of the same source).
REFERENCES: dict[str, tuple[str, ...]] = {
    "person": (),
    "household": (),
    "household_member": ("household_key", "person_key"),
    "income": ("person_key",),
    "enrollment": ("person_key",),
    "event": ("person_key",),
    "record": (),
}

# Load order inside one source: referenced entities first.
ENTITY_ORDER = (
    "person",
    "household",
    "household_member",
    "income",
    "enrollment",
    "event",
    "record",
)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Spec):
    """Where one target field comes from and how its agency codes translate."""

    column: str | None = None
    alternatives: tuple[str, ...] = ()  # other spellings of the column (first present wins)
    columns: tuple[str, ...] = ()  # several columns read together (details, multi-column race)
    value: str | None = None  # a constant instead of a column
    map: dict[str, str | None] | None = None  # agency code -> model code (None = missing)
    missing: dict[str, Literal["dont_know", "refused", "not_collected"]] = Field(
        default_factory=dict
    )  # agency codes that mean a missing reason, e.g. {"99": not_collected}
    split: str | None = None  # multi-valued column separator (race "B;H")
    format: str | None = None  # strptime hint for dates; default: the file's, then the source's
    default: str | None = None  # model code for any non-blank value the map does not name
    on_unknown: Literal["quarantine", "flag"] = "quarantine"
    required: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> FieldSpec:
        given = sum(x is not None and x != () for x in (self.column, self.value)) + bool(
            self.columns
        )
        if given != 1:
            raise ValueError("a field needs exactly one of column, columns or value")
        return self

    @property
    def all_columns(self) -> tuple[str, ...]:
        if self.column is not None:
            return (self.column, *self.alternatives)
        return self.columns

    def label(self) -> str:
        """A human description of the rule, for reports and the data catalog."""
        src = (
            f"constant {self.value!r}"
            if self.value is not None
            else " | ".join(self.all_columns) or "?"
        )
        return src + (f" via {len(self.map)}-code map" if self.map else "")


class DeleteFlag(_Spec):
    column: str
    values: tuple[str, ...] = ("Y", "1", "TRUE", "D")  # compared case-insensitively
    any_value: bool = False  # HMIS DateDeleted: any non-blank value means deleted


class JoinSpec(_Spec):
    """Columns of another file of the same drop, looked up by key and added as `prefix.COL`."""

    file: str  # path relative to the ingest root, e.g. "nycha/nycha_tenancies.tsv"
    by: tuple[str, ...]  # columns of this file (not "on": YAML reads that as true)
    key: tuple[str, ...]  # matching columns of the joined file
    prefix: str
    delimiter: str = ","
    format: Literal["csv", "jsonl"] = "csv"

    @field_validator("delimiter")
    @classmethod
    def _tab(cls, v: str) -> str:
        return "\t" if v == "\\t" else v


class FileSpec(_Spec):
    """One native file of a source and the entity its rows become."""

    pattern: str  # glob on the path relative to the ingest root (or on the file name)
    entity: Entity
    format: Literal["csv", "jsonl"] = "csv"
    delimiter: str = ","
    encoding: str = "utf-8"
    mode: BatchMode = BatchMode.FULL
    key: tuple[str, ...]
    key_prefix: str = ""  # keeps keys of several specs of one entity apart ("book:", "rel:")
    only_if: str | None = None  # rows where this column is blank are not this spec's records
    person_key: tuple[str, ...] = ()
    household_key: tuple[str, ...] = ()
    delete_flag: DeleteFlag | None = None
    updated_at: str | None = None
    date_format: str | None = None
    fields: dict[str, FieldSpec] = Field(default_factory=dict)
    identifiers: dict[str, FieldSpec] = Field(default_factory=dict)  # IdentifierKind -> column
    join: JoinSpec | None = None

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, v: str) -> str:
        if v == "\\t":
            v = "\t"
        if len(v) != 1:
            raise ValueError("delimiter must be one character")
        return v

    @field_validator("mode")
    @classmethod
    def _file_modes(cls, v: BatchMode) -> BatchMode:
        if v is BatchMode.API:
            raise ValueError("mode 'api' is for the push API, not files")
        return v

    @model_validator(mode="after")
    def _targets_known(self) -> FileSpec:
        if not self.key:
            raise ValueError("key: at least one column")
        unknown = set(self.fields) - TARGETS[self.entity]
        if unknown:
            allowed = ", ".join(sorted(TARGETS[self.entity]))
            raise ValueError(f"unknown {self.entity} fields {sorted(unknown)}; allowed: {allowed}")
        for ref in REFERENCES[self.entity]:
            if not getattr(self, ref):
                raise ValueError(f"{self.entity} files need {ref}")
        return self

    def required_columns(self) -> set[str]:
        """Columns without which no row of the file can be read (keys and references)."""
        return {*self.key, *self.person_key, *self.household_key}

    def matches(self, relative: str) -> bool:
        """By path under the ingest root, at any depth, or by file name alone."""
        rel, pat = relative.lower(), self.pattern.lower()
        return (
            fnmatch.fnmatch(rel, pat)
            or fnmatch.fnmatch(rel, f"*/{pat}")
            or fnmatch.fnmatch(rel.rsplit("/", 1)[-1], pat.rsplit("/", 1)[-1])
        )


class ProgramSpec(_Spec):
    id: str
    name: str
    area: ProgramArea
    s2r_code: str | None = None
    sensitive_category: SensitiveCategory | None = None
    description: str | None = None


class HmisSpec(_Spec):
    """Options of the HUD HMIS CSV importer (the column layout itself is HUD's, in `hmis.py`)."""

    pattern: str = "*.zip"
    mode: BatchMode = BatchMode.FULL
    program_prefix: str = "HMIS"
    # HMIS ProjectType -> program area and the event an enrollment entry/exit produces
    shelter_project_types: tuple[int, ...] = (0, 1)  # ES entry/exit, ES night-by-night
    max_uncompressed_bytes: int = 2_000_000_000
    max_ratio: int = 200


class SourceSpec(_Spec):
    """Everything needed to load one agency source system."""

    source_system: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    agency: Agency
    name: str
    description: str | None = None
    version: int = 1  # bump when a change must re-standardize every stored row
    date_format: str | None = None  # strptime hint; other layouts are still recognized
    programs: tuple[ProgramSpec, ...] = ()
    files: tuple[FileSpec, ...] = ()
    hmis: HmisSpec | None = None

    @model_validator(mode="after")
    def _has_inputs(self) -> SourceSpec:
        if not self.files and self.hmis is None:
            raise ValueError("a source needs files or hmis")
        seen: dict[str, set[str]] = {}
        for f in self.files:
            prefixes = seen.setdefault(f.entity, set())
            if f.key_prefix in prefixes or (prefixes and not f.key_prefix) or "" in prefixes:
                raise ValueError(
                    f"several {f.entity} specs: each needs its own non-empty key_prefix"
                )
            prefixes.add(f.key_prefix)
        ids = [p.id for p in self.programs]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate program ids")
        for f in self.files:
            prog = f.fields.get("program")
            if prog and prog.map:
                missing = {v for v in prog.map.values() if v is not None} - set(ids)
                if missing:
                    raise ValueError(f"{f.pattern}: program map names undeclared {missing}")
            if prog and prog.value is not None and prog.value not in ids:
                raise ValueError(f"{f.pattern}: program {prog.value!r} not declared")
        return self

    def to_yaml(self) -> str:
        data = self.model_dump(mode="json", exclude_defaults=True)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

    def file_for(self, relative: str) -> FileSpec | None:
        return next((f for f in self.files if f.matches(relative)), None)

    def matches(self, relative: str) -> bool:
        if self.hmis is not None and fnmatch.fnmatch(
            relative.lower().rsplit("/", 1)[-1], self.hmis.pattern.lower()
        ):
            folders = relative.lower().split("/")[:-1]  # a zip alone, or under this agency's folder
            return not folders or self.agency.value.lower() in folders
        return self.file_for(relative) is not None


def parse_spec(data: Any, origin: str = "<spec>") -> SourceSpec:
    try:
        return SourceSpec.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise InvalidInput(f"invalid mapping spec {origin}: {problems}") from exc


def load_spec(path: Path) -> SourceSpec:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput(f"cannot read mapping spec {path}: {exc}") from exc
    return parse_spec(data, str(path))


@functools.cache
def builtin_specs() -> dict[str, SourceSpec]:
    """The mapping specs shipped in the repository, by source-system id."""
    specs = [load_spec(p) for p in sorted(MAPPINGS_DIR.glob("*.yaml"))]
    return {s.source_system: s for s in specs}


def find_spec(name: str, specs: dict[str, SourceSpec] | None = None) -> SourceSpec:
    """A spec by source-system id or by agency code (`hra`, `HRA`, `hra_wms`)."""
    specs = builtin_specs() if specs is None else specs
    key = name.strip().lower()
    for s in specs.values():
        if key in (s.source_system, s.agency.value.lower()):
            return s
    known = ", ".join(sorted(specs))
    raise InvalidInput(f"unknown source {name!r}; known sources: {known}")
