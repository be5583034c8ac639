"""Settings build in Splink 5; training keeps the household guard; promotion refuses worse."""

from __future__ import annotations

import copy
import re

import pytest
from sqlalchemy import Engine

from openhhs.errors import Conflict
from openhhs.linkage import current_model, toycity
from openhhs.linkage.frame import feature_frame
from openhhs.linkage.modelfile import LinkageModel
from openhhs.linkage.registry import mark_current, store_model
from openhhs.linkage.settings import CONTACT_M, SURNAME_M, build_settings
from openhhs.linkage.train import promote, train

ALLOWED_FUNCTIONS = {"jaro_winkler_similarity", "damerau_levenshtein", "list_has_any"}


def test_settings_build_in_splink_and_use_only_scorer_friendly_sql() -> None:
    import duckdb
    import pandas as pd
    from splink import DuckDBAPI, Linker

    from openhhs.linkage.features import FEATURE_COLUMNS

    settings = build_settings()
    frame = pd.DataFrame([{"unique_id": 1, **dict.fromkeys(FEATURE_COLUMNS)}])
    linker = Linker(DuckDBAPI(duckdb.connect()).register(frame), settings, log_level=None)
    names = [c.output_column_name for c in linker._settings_obj.comparisons]
    assert names == ["first_name", "last_name", "dob", "ssn", "sex", "middle_initial", "contact"]
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            used = set(re.findall(r"([a-z_]+)\(", level["sql_condition"]))
            assert used <= ALLOWED_FUNCTIONS, level["sql_condition"]


def test_address_part_settings_build_in_splink_over_the_address_part_frame() -> None:
    """Address parts replace the one contact comparison and add their blocking rules."""
    import duckdb
    import pandas as pd
    from splink import DuckDBAPI, Linker

    from openhhs.linkage.features import ADDRESS_PART_COLUMNS, FEATURE_COLUMNS
    from openhhs.linkage.settings import (
        ADDRESS_BLOCKING_RULES,
        ADDRESS_PART_COMPARISONS,
        BLOCKING_RULES,
    )

    settings = build_settings(address_parts=True)
    columns = FEATURE_COLUMNS + ADDRESS_PART_COLUMNS
    frame = pd.DataFrame([{"unique_id": 1, **dict.fromkeys(columns)}])
    linker = Linker(DuckDBAPI(duckdb.connect()).register(frame), settings, log_level=None)
    names = [c.output_column_name for c in linker._settings_obj.comparisons]
    person = ["first_name", "last_name", "dob", "ssn", "sex", "middle_initial"]
    assert names == [*person, *ADDRESS_PART_COMPARISONS]
    rules = [r["blocking_rule"] for r in settings["blocking_rules_to_generate_predictions"]]
    assert rules == list(BLOCKING_RULES + ADDRESS_BLOCKING_RULES)
    default = build_settings()
    assert [r["blocking_rule"] for r in default["blocking_rules_to_generate_predictions"]] == list(
        BLOCKING_RULES
    )
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            used = set(re.findall(r"([a-z_]+)\(", level["sql_condition"]))
            assert used <= ALLOWED_FUNCTIONS, level["sql_condition"]
            quoted = set(re.findall(r'"([a-z0-9_]+)_[lr]"', level["sql_condition"]))
            assert quoted <= set(columns), level["sql_condition"]


def test_address_parts_are_refused_with_the_household_guard() -> None:
    """Compared one by one, a shared home counts several times: only for data without one."""
    frame = feature_frame(toycity.generate(households=5, seed=1), address_parts=True)
    with pytest.raises(ValueError, match="household_guard=False"):
        train(frame, settings=build_settings(address_parts=True))


@pytest.fixture(scope="module")
def trained() -> tuple[LinkageModel, object]:
    frame = feature_frame(toycity.generate(households=250, seed=3), keep=("person_id",))
    return train(frame, max_pairs=2e5, seed=1, version="t1"), frame


def _levels(model: LinkageModel, name: str) -> list[dict[str, object]]:
    comparison = next(c for c in model.splink["comparisons"] if c["output_column_name"] == name)
    return [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]


def test_training_keeps_household_m_fixed_and_learns_person_fields(trained) -> None:  # type: ignore[no-untyped-def]
    model, _frame = trained
    assert [lv["m_probability"] for lv in _levels(model, "last_name")] == list(SURNAME_M.values())
    assert [lv["m_probability"] for lv in _levels(model, "contact")] == list(CONTACT_M.values())
    first = _levels(model, "first_name")
    assert first[0]["m_probability"] > 0.5  # exact first name: most true pairs
    assert first[-1]["m_probability"] < 0.05  # twins did not teach EM that names may differ
    assert all(float(lv["m_probability"]) > 0 for lv in _levels(model, "sex"))
    assert 0 < model.probability_two_random_records_match < 0.01
    assert model.report["timings"]["u_s"] >= 0


def test_promotion_refuses_a_worse_model(trained) -> None:  # type: ignore[no-untyped-def]
    model, frame = trained
    good = promote(model, None, frame)
    assert good.report["evaluation"]["precision"] > 0.98
    # A model that learned households as matches: address and surname decide everything.
    bad_splink = copy.deepcopy(model.splink)
    for comparison in bad_splink["comparisons"]:
        if comparison["output_column_name"] in ("first_name", "dob", "ssn", "sex"):
            for level in comparison["comparison_levels"]:
                if not level.get("is_null_level"):
                    level["m_probability"] = level["u_probability"]
    bad = LinkageModel(version="bad", splink=bad_splink)
    with pytest.raises(Conflict, match="not promoted"):
        promote(bad, good, frame)


def test_registry_round_trip(engine: Engine, trained) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.orm import Session

    model, _frame = trained
    assert current_model(engine) is None
    with Session(engine) as session:
        store_model(session, model)
        assert current_model(session) is None  # stored is not promoted
        mark_current(session, model.version)
        session.commit()
    loaded = current_model(engine)
    assert loaded is not None and loaded.version == "t1" and loaded.splink == model.splink


def test_without_the_household_guard_em_learns_surname_and_contact_m(trained) -> None:  # type: ignore[no-untyped-def]
    """The caller's "no household structure" option: surname and contact m come from EM."""
    _model, frame = trained
    free = train(frame, max_pairs=2e5, seed=1, version="t2", household_guard=False)
    surname = _levels(free, "last_name")
    assert not any(lv.get("fix_m_probability") for lv in surname + _levels(free, "contact"))
    assert [lv["m_probability"] for lv in surname] != list(SURNAME_M.values())
    assert [lv["m_probability"] for lv in _levels(free, "contact")] != list(CONTACT_M.values())
    assert surname[0]["m_probability"] > 0.5  # the same surname: most true pairs
    assert free.report["household_guard"].startswith("off")
    assert all(lv.get("fix_m_probability") for lv in _levels(_model, "last_name"))  # untouched
