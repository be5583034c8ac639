"""Ingest: agency files, HMIS CSV zips and pushed records into the common data model.

Public face (other capabilities import only these):
- `ingest_path(engine, path, source=None) -> IngestReport`: load a file, a zip or a city folder.
- `upsert_person(session, PersonIn) -> SourcePersonRecord`, `delete_person(session, system, id)`:
  the Worker Connect push API's writes, through the same standardization as files.
- `builtin_specs()`, `find_spec(name)`, `SourceSpec`: the per-source mapping specs (YAML).
"""

from openhhs.ingest.person import StdPerson, standardize_person
from openhhs.ingest.push import delete_person, upsert_person
from openhhs.ingest.schemas import (
    FileReport,
    IngestReport,
    PersonIn,
    Problem,
    SourcePersonRecord,
)
from openhhs.ingest.service import ingest_path
from openhhs.ingest.spec import FileSpec, SourceSpec, builtin_specs, find_spec, load_spec

__all__ = [
    "FileReport",
    "FileSpec",
    "IngestReport",
    "PersonIn",
    "Problem",
    "SourcePersonRecord",
    "SourceSpec",
    "StdPerson",
    "builtin_specs",
    "delete_person",
    "find_spec",
    "ingest_path",
    "load_spec",
    "standardize_person",
    "upsert_person",
]
