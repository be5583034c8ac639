"""Score one pair of records with a stored Splink model, in pure Python, with Splink's weights.

Splink's prediction is a SQL `CASE WHEN` per comparison: the first level whose condition is true
gives the pair its comparison vector value, whose weight is log2(m/u) (0 for the null level);
term-frequency adjusted levels add `w * (log2 u_exact - log2 max(tf_l, tf_r, tf_min))`; the prior
log2(λ/(1-λ)) starts the sum. `Scorer` compiles every level's SQL once (see `_sql.py`) and then
reproduces that sum exactly (CI parity test: |Δ weight| < 1e-6 against Splink's DuckDB run), so the
online path and batch linkage agree on every pair.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.normalize import normalize
from sqlglot.optimizer.simplify import simplify

from openhhs.cci._sql import Fn, UnsupportedSQL, columns_used, compile_condition
from openhhs.errors import InvalidInput

_TF = Mapping[str, Mapping[Any, float]]
_M_U_CLAMP_MIN = 1e-300  # as Splink clamps m and u before log2(m/u)
_NOT_OBSERVED = "level not observed in training dataset"


@dataclass(frozen=True)
class ComparisonPart:
    """Why a pair scored what it did on one comparison: the "why" shown to stewards and workers."""

    comparison: str
    level: int  # Splink's comparison vector value (-1: a value missing)
    label: str
    weight: float  # log2 Bayes factor of the level
    tf_adjustment: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "comparison": self.comparison,
            "level": self.level,
            "label": self.label,
            "weight": self.weight,
            "tf_adjustment": self.tf_adjustment,
        }


@dataclass(frozen=True)
class Score:
    match_weight: float
    match_probability: float
    parts: tuple[ComparisonPart, ...]


@dataclass(frozen=True)
class _Level:
    condition: Fn | None  # None: the ELSE level
    value: int
    label: str
    weight: float
    tf_column: str | None
    tf_weight: float
    tf_min_u: float
    log2_u_exact: float


@dataclass(frozen=True)
class _Comparison:
    name: str
    levels: tuple[_Level, ...]


def _default_m(num_levels: int) -> list[float]:
    exact = 0.95
    rest = (1 - exact) / (num_levels - 1)
    return [rest] * (num_levels - 1) + [exact]


def _default_u(num_levels: int) -> list[float]:
    ms = _default_m(num_levels)
    if num_levels == 2:
        weights = [-5.0]
    else:
        step = (3 - -5) / (num_levels - 2)
        weights = [-5 + i * step for i in range(num_levels - 1)]
    weights = [*weights, 10.0]
    return [m / 2**w for m, w in zip(ms, weights, strict=True)]


def _probability(value: Any, default: float) -> float:
    if value is None:
        return default
    if value == _NOT_OBSERVED:
        return 1e-6
    return float(value)


def probability_from_weight(weight: float) -> float:
    """Splink's numerically stable 1 / (1 + 2^-w)."""
    if weight >= 0:
        return 1.0 / (1.0 + 2.0 ** (-weight))
    p = 2.0**weight
    return p / (1.0 + p)


def weight_from_probability(p: float) -> float:
    return math.log2(p / (1 - p))


def _exact_match_column(sql: str, dialect: str) -> str | None:
    """The column of a level that is exactly `col_l = col_r` (Splink's exact-match detection)."""
    if sql.strip().upper() == "ELSE":
        return None
    tree = simplify(normalize(sqlglot.parse_one(sql.lower(), read=dialect)))
    clauses = list(tree.flatten()) if isinstance(tree, exp.And) else [tree]
    names: set[str] = set()
    for clause in clauses:
        if not isinstance(clause, exp.EQ):
            return None
        left, right = clause.left, clause.right
        if not (isinstance(left, exp.Column) and isinstance(right, exp.Column)):
            return None
        if left.output_name[:-2] != right.output_name[:-2]:
            return None
        names.add(left.output_name[:-2])
    return names.pop() if len(names) == 1 else None


class Scorer:
    """A compiled Splink model: `score(left, right)` gives Splink's match weight and the why."""

    def __init__(
        self,
        model: Mapping[str, Any],
        term_frequencies: Mapping[str, Mapping[Any, float]] | None = None,
    ) -> None:
        self.model = dict(model)
        dialect_name = str(model.get("sql_dialect", "duckdb"))
        if dialect_name != "duckdb":
            raise InvalidInput(f"the scorer reproduces DuckDB models, not {dialect_name!r}")
        prior = float(model.get("probability_two_random_records_match", 0.0001))
        if not 0 < prior < 1:
            raise InvalidInput("probability_two_random_records_match must be in (0, 1)")
        self.prior_weight = math.log2(prior / (1 - prior))
        self.term_frequencies: _TF = dict(term_frequencies or {})
        comparisons: list[_Comparison] = []
        columns: set[str] = set()
        tf_columns: set[str] = set()
        for comp in model.get("comparisons", []):
            try:
                compiled = self._compile_comparison(comp, dialect_name)
            except UnsupportedSQL as exc:
                raise InvalidInput(f"comparison {comp.get('output_column_name')!r}: {exc}") from exc
            comparisons.append(compiled)
            for level in comp["comparison_levels"]:
                if str(level["sql_condition"]).strip().upper() != "ELSE":
                    columns |= columns_used(level["sql_condition"], dialect_name)
                if level.get("tf_adjustment_column"):
                    tf_columns.add(level["tf_adjustment_column"])
        self.comparisons = tuple(comparisons)
        # highest comparison vector value per comparison (the "exact" level in Splink's order)
        self.top_levels = {c.name: max(lv.value for lv in c.levels) for c in comparisons}
        self.columns = tuple(sorted(columns))
        self.tf_columns = tuple(sorted(tf_columns))

    @classmethod
    def from_json(
        cls,
        source: str | Path | Mapping[str, Any],
        term_frequencies: Mapping[str, Mapping[Any, float]] | None = None,
    ) -> Scorer:
        """From a model dict, a JSON string, or a path to a `save_model_to_json` file."""
        if isinstance(source, Mapping):
            return cls(source, term_frequencies)
        text = str(source)
        if isinstance(source, Path) or not text.lstrip().startswith("{"):
            text = Path(source).read_text(encoding="utf-8")
        return cls(json.loads(text), term_frequencies)

    @staticmethod
    def _compile_comparison(comp: Mapping[str, Any], dialect: str) -> _Comparison:
        raw_levels = list(comp["comparison_levels"])
        non_null = [lv for lv in raw_levels if not lv.get("is_null_level")]
        n = len(non_null)
        if n < 2:
            raise UnsupportedSQL("a comparison needs at least two non-null levels")
        default_m, default_u = _default_m(n), _default_u(n)
        values: list[int] = []
        counter = n - 1
        for lv in raw_levels:
            if lv.get("is_null_level"):
                values.append(-1)
            else:
                values.append(counter)
                counter -= 1
        u_of: list[float | None] = []
        for lv, v in zip(raw_levels, values, strict=True):
            u_of.append(None if v == -1 else _probability(lv.get("u_probability"), default_u[v]))
        exact_u: dict[str, float] = {}
        for lv, u in zip(raw_levels, u_of, strict=True):
            col = _exact_match_column(str(lv["sql_condition"]), dialect)
            if col is not None and u is not None and col not in exact_u:
                exact_u[col] = u
        levels: list[_Level] = []
        for lv, v, u in zip(raw_levels, values, u_of, strict=True):
            sql = str(lv["sql_condition"])
            is_else = sql.strip().upper() == "ELSE"
            if v == -1:
                weight = 0.0
            else:
                m = max(_probability(lv.get("m_probability"), default_m[v]), _M_U_CLAMP_MIN)
                weight = math.log2(m / max(u or 0.0, _M_U_CLAMP_MIN))
            tf_col = lv.get("tf_adjustment_column")
            tf_weight = float(lv.get("tf_adjustment_weight", 1.0) if tf_col else 0.0)
            log2_u_exact = 0.0
            if tf_col and v != -1 and tf_weight != 0 and not is_else:
                if lv.get("disable_tf_exact_match_detection"):
                    base = u
                else:
                    base = exact_u.get(str(tf_col).lower())
                if base is None:
                    raise UnsupportedSQL(f"no exact-match level for TF column {tf_col!r}")
                log2_u_exact = math.log2(base)
            else:
                tf_col = None
            levels.append(
                _Level(
                    condition=None if is_else else compile_condition(sql, dialect),
                    value=v,
                    label=str(lv.get("label_for_charts") or v),
                    weight=weight,
                    tf_column=tf_col,
                    tf_weight=tf_weight,
                    tf_min_u=float(lv.get("tf_minimum_u_value", 0.0)),
                    log2_u_exact=log2_u_exact,
                )
            )
        name = comp.get("output_column_name") or comp.get("comparison_description") or "comparison"
        return _Comparison(name=str(name), levels=tuple(levels))

    # -------------------------------------------------------------------------------- scoring

    def _tf(self, column: str, record: Mapping[str, Any], tables: _TF) -> float | None:
        given = record.get(f"tf_{column}")
        if given is not None:
            return float(given)
        value = record.get(column)
        if value is None:
            return None
        table = tables.get(column)
        if table is None:
            return None
        tf = table.get(value)
        return None if tf is None else float(tf)

    def _level(
        self, comp: _Comparison, left: Mapping[str, Any], right: Mapping[str, Any]
    ) -> _Level:
        for level in comp.levels:
            if level.condition is None or level.condition(left, right) is True:
                return level
        # Splink's CASE has no match: the comparison vector is NULL and the weight NULL too.
        raise InvalidInput(f"no level of {comp.name!r} applies and it has no ELSE level")

    def _tf_adjustment(
        self, level: _Level, left: Mapping[str, Any], right: Mapping[str, Any], tables: _TF
    ) -> float:
        if level.tf_column is None:
            return 0.0
        tl = self._tf(level.tf_column, left, tables)
        tr = self._tf(level.tf_column, right, tables)
        if tl is None and tr is None:
            return 0.0
        a = tl if tl is not None else tr
        b = tr if tr is not None else tl
        assert a is not None and b is not None
        return level.tf_weight * (level.log2_u_exact - math.log2(max(a, b, level.tf_min_u)))

    def weight(
        self,
        left: Mapping[str, Any],
        right: Mapping[str, Any],
        term_frequencies: _TF | None = None,
    ) -> float:
        """The match weight alone (the hot path: no breakdown objects)."""
        tables = self.term_frequencies if term_frequencies is None else term_frequencies
        total = self.prior_weight
        for comp in self.comparisons:
            level = self._level(comp, left, right)
            total += level.weight
            if level.tf_column is not None:
                total += self._tf_adjustment(level, left, right, tables)
        return total

    def score(
        self,
        left: Mapping[str, Any],
        right: Mapping[str, Any],
        term_frequencies: _TF | None = None,
    ) -> Score:
        """Match weight, probability and the per-comparison breakdown of one pair.

        TF values come from `tf_<column>` keys of a record if present, else from
        `term_frequencies` (or the scorer's own tables): `{column: {value: tf}}`.
        """
        tables = self.term_frequencies if term_frequencies is None else term_frequencies
        parts: list[ComparisonPart] = []
        total = self.prior_weight
        for comp in self.comparisons:
            level = self._level(comp, left, right)
            tf = self._tf_adjustment(level, left, right, tables)
            total += level.weight + tf
            parts.append(ComparisonPart(comp.name, level.value, level.label, level.weight, tf))
        return Score(total, probability_from_weight(total), tuple(parts))
