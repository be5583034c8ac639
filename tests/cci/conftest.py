"""Fixtures for the CCI tests: source records in the database and a small, explicit model."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from openhhs.cci.model import ActiveModel, from_document, use_model
from openhhs.model import Agency, SourcePerson, SourceSystem

AGENCIES = {"HRA": "hra_welfare", "DHS": "dhs_hmis", "DOE": "doe_ats", "NYCHA": "nycha_tenants"}


def _levels(col: str, *rest: dict[str, Any]) -> list[dict[str, Any]]:
    null = {"sql_condition": f'"{col}_l" IS NULL OR "{col}_r" IS NULL', "is_null_level": True}
    return [null, *rest]


def lv(sql: str, m: float, u: float, **kw: Any) -> dict[str, Any]:
    return {
        "sql_condition": sql,
        "label_for_charts": sql[:40],
        "m_probability": m,
        "u_probability": u,
        **kw,
    }


# An explicit model over `openhhs.linkage.features` columns: weights are easy to reason about.
TOY_MODEL: dict[str, Any] = {
    "link_type": "dedupe_only",
    "sql_dialect": "duckdb",
    "probability_two_random_records_match": 1e-4,
    "comparisons": [
        {
            "output_column_name": "first_name",
            "comparison_levels": _levels(
                "first_name",
                lv(
                    '"first_name_l" = "first_name_r"', 0.88, 0.01, tf_adjustment_column="first_name"
                ),
                lv('"first_name_canonical_l" = "first_name_canonical_r"', 0.05, 0.002),
                lv('jaro_winkler_similarity("first_name_l", "first_name_r") >= 0.9', 0.04, 0.01),
                lv("ELSE", 0.03, 0.978),
            ),
        },
        {
            "output_column_name": "last_name",
            "comparison_levels": _levels(
                "last_name",
                lv('"last_name_l" = "last_name_r"', 0.9, 0.005, tf_adjustment_column="last_name"),
                lv('jaro_winkler_similarity("last_name_l", "last_name_r") >= 0.9', 0.05, 0.01),
                lv("ELSE", 0.05, 0.985),
            ),
        },
        {
            "output_column_name": "dob",
            "comparison_levels": _levels(
                "dob",
                lv('"dob_l" = "dob_r"', 0.9, 0.0003),
                lv('damerau_levenshtein("dob_l", "dob_r") <= 1', 0.06, 0.003),
                lv("ELSE", 0.04, 0.9967),
            ),
        },
        {
            "output_column_name": "ssn",
            "comparison_levels": [
                {
                    "sql_condition": '("ssn_l" IS NULL OR "ssn_r" IS NULL) '
                    'AND ("ssn_last4_l" IS NULL OR "ssn_last4_r" IS NULL)',
                    "is_null_level": True,
                },
                lv('"ssn_l" = "ssn_r"', 0.9, 1e-6),
                lv('damerau_levenshtein("ssn_l", "ssn_r") <= 1', 0.05, 1e-4),
                lv('"ssn_last4_l" = "ssn_last4_r"', 0.03, 1e-3),
                lv("ELSE", 0.02, 0.998899),
            ],
        },
        {
            "output_column_name": "sex",
            "comparison_levels": _levels(
                "sex", lv('"sex_l" = "sex_r"', 0.97, 0.5), lv("ELSE", 0.03, 0.5)
            ),
        },
        {
            "output_column_name": "contact",
            "comparison_levels": [
                {
                    "sql_condition": '("street_l" IS NULL OR "street_r" IS NULL) AND '
                    '("zip5_l" IS NULL OR "zip5_r" IS NULL) AND '
                    '("phone_l" IS NULL OR "phone_r" IS NULL)',
                    "is_null_level": True,
                },
                lv('"street_unit_l" = "street_unit_r"', 0.5, 0.001),
                lv('"phone_l" = "phone_r"', 0.1, 0.001),
                lv('"zip5_l" = "zip5_r"', 0.2, 0.05),
                lv("ELSE", 0.2, 0.948),
            ],
        },
    ],
}


@pytest.fixture
def toy_model() -> Iterator[ActiveModel]:
    model = from_document(
        {
            "version": "toy-1",
            "splink": TOY_MODEL,
            "thresholds": {"auto_link": 0.995, "review": 0.5, "margin": 3.0},
        },
        version="toy-1",
    )
    use_model(model)
    yield model
    use_model(None)


PersonFactory = Callable[..., SourcePerson]


@pytest.fixture
def add_person(session: Session) -> PersonFactory:
    """`add_person(agency="HRA", first_name=..., dob="1980-01-02", ...)` -> a flushed record."""
    counter = {"n": 0}
    seeded: set[str] = set()

    def add(agency: str = "HRA", source_id: str | None = None, **fields: Any) -> SourcePerson:
        if agency not in seeded:
            if session.get(Agency, agency) is None:
                session.add(Agency(id=agency, name=agency))
                session.add(SourceSystem(id=AGENCIES[agency], agency_id=agency, name=agency))
                session.flush()
            seeded.add(agency)
        counter["n"] += 1
        if isinstance(fields.get("dob"), str):
            fields["dob"] = dt.date.fromisoformat(fields["dob"])
        if fields.get("ssn"):
            fields.setdefault("ssn_last4", fields["ssn"][-4:])
        sid = source_id or f"{agency}-{counter['n']}"
        person = SourcePerson(
            agency_id=agency,
            source_system_id=AGENCIES[agency],
            source_id=sid,
            record_hash=hashlib.sha256(sid.encode()).hexdigest(),
            raw={},
            **fields,
        )
        session.add(person)
        session.flush()
        return person

    return add
