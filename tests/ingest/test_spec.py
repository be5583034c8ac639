"""Mapping specs: every shipped spec validates, round-trips, and matches the synth layout."""

from __future__ import annotations

import pytest

from openhhs.errors import InvalidInput
from openhhs.ingest.spec import builtin_specs, find_spec, parse_spec

AGENCIES = {"HRA", "DHS", "ACS", "DOE", "NYCHA", "DOHMH", "DOC", "DFTA"}


def test_every_agency_has_a_valid_spec_that_round_trips_through_yaml() -> None:
    import yaml

    specs = builtin_specs()
    assert {s.agency.value for s in specs.values()} == AGENCIES
    for spec in specs.values():
        assert parse_spec(yaml.safe_load(spec.to_yaml())) == spec


def test_sources_are_found_by_id_or_agency_code() -> None:
    assert find_spec("hra").source_system == "hra_wms"
    assert find_spec("DHS").source_system == "dhs_hmis"
    with pytest.raises(InvalidInput, match="unknown source 'xyz'"):
        find_spec("xyz")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fields": {"shoe_size": {"column": "X"}}}, "unknown person fields"),
        ({"fields": {"sex": {"column": "S", "value": "F"}}}, "exactly one of"),
        ({"entity": "enrollment"}, "enrollment files need person_key"),
        ({"mode": "api"}, "mode 'api'"),
        ({"delimiter": ";;"}, "one character"),
    ],
)
def test_spec_mistakes_fail_when_the_spec_is_read(change: dict, message: str) -> None:
    file = {"pattern": "x.csv", "entity": "person", "key": ["ID"], **change}
    data = {"source_system": "test_src", "agency": "HRA", "name": "t", "files": [file]}
    with pytest.raises(InvalidInput, match=message):
        parse_spec(data)


def test_two_specs_of_one_entity_need_distinct_key_prefixes() -> None:
    ev = {"pattern": "e.csv", "entity": "event", "key": ["ID"], "person_key": ["P"]}
    data = {"source_system": "test_src", "agency": "DOC", "name": "t", "files": [ev, ev]}
    with pytest.raises(InvalidInput, match="own non-empty key_prefix"):
        parse_spec(data)


def test_every_person_file_of_the_synthetic_city_is_mapped_with_its_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    synth = pytest.importorskip("openhhs.synth")
    synth.generate(people=60, seed=3, out=tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    specs = builtin_specs().values()
    for rel, info in manifest["files"].items():
        if not info["source"]:
            continue  # truth files (ground_truth.csv, link_file.csv...) are not agency data
        claimed = [s for s in specs if s.matches(rel)]
        assert [s.agency.value for s in claimed] == [info["source"]], rel
        if not rel.endswith(".zip"):
            keys = {tuple(f.key) for f in claimed[0].files if f.matches(rel)}
            assert keys == {(info["key"],)}, rel


def test_files_are_claimed_at_any_depth_but_only_by_their_agency() -> None:
    dhs, hra = find_spec("dhs"), find_spec("hra")
    for rel in ("hmis_export.zip", "dhs/hmis_export.zip", "drops/2026-07-01/dhs/hmis_export.zip"):
        assert dhs.matches(rel), rel
    assert not dhs.matches("hra/hmis_export.zip")
    assert hra.matches("drops/2026-07-01/hra/wms_cases.csv") and hra.matches("wms_cases.csv")
    assert not hra.matches("doe/ats_student_bio.csv")
