"""Compile a Splink comparison level's SQL condition (DuckDB dialect) into a Python function.

The real-time scorer must land every pair on the same comparison level as Splink's DuckDB run,
so each supported SQL construct reproduces DuckDB's behaviour exactly: SQL three-valued logic
(`None` is NULL), and string distances measured on UTF-8 bytes (DuckDB's
`jaro_winkler_similarity`, `levenshtein`, `damerau_levenshtein` and `jaccard` work byte-wise, so
"é" is two characters to them).
Anything else raises `UnsupportedSQL` when the model is loaded, never silently at scoring time.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import sqlglot
from rapidfuzz.distance import DamerauLevenshtein, Jaro, JaroWinkler, Levenshtein
from sqlglot import exp

Row = Mapping[str, Any]
Fn = Callable[[Row, Row], Any]

_EPOCH = dt.datetime(1970, 1, 1)


class UnsupportedSQL(ValueError):
    """A construct in a model's SQL the Python scorer does not reproduce."""


def compile_condition(sql: str, dialect: str = "duckdb") -> Fn:
    """`f(left, right) -> True | False | None` for one level's `sql_condition`."""
    try:
        tree: Any = sqlglot.parse_one(sql, read=dialect)
    except sqlglot.errors.ParseError as exc:
        raise UnsupportedSQL(f"cannot parse {sql!r}: {exc}") from exc
    return _compile(tree)


def columns_used(sql: str, dialect: str = "duckdb") -> set[str]:
    """Input column names (without `_l`/`_r`) a condition reads."""
    tree = sqlglot.parse_one(sql, read=dialect)
    return {_split_column(c)[0] for c in tree.find_all(exp.Column)}


# ---------------------------------------------------------------- helpers with DuckDB semantics


def _b(s: Any) -> bytes:
    return str(s).encode("utf-8")


def _jaro_winkler(a: Any, b: Any) -> float:
    x, y = _b(a), _b(b)
    return JaroWinkler.similarity(x, y) if x and y else 0.0


def _jaro(a: Any, b: Any) -> float:
    x, y = _b(a), _b(b)
    return Jaro.similarity(x, y) if x and y else 0.0


def _levenshtein(a: Any, b: Any) -> int:
    return int(Levenshtein.distance(_b(a), _b(b)))


def _damerau(a: Any, b: Any) -> int:
    return int(DamerauLevenshtein.distance(_b(a), _b(b)))


def _jaccard(a: Any, b: Any) -> float:
    x, y = set(_b(a)), set(_b(b))
    if not x or not y:
        raise UnsupportedSQL("jaccard() of an empty string is an error in DuckDB")
    return len(x & y) / len(x | y)


_STRPTIME_DIRECTIVE = re.compile(r"%[A-Za-z]")


@cache
def _py_format(fmt: str) -> str:
    for d in _STRPTIME_DIRECTIVE.findall(fmt):
        if d not in ("%Y", "%m", "%d", "%H", "%M", "%S", "%y", "%b", "%B", "%j"):
            raise UnsupportedSQL(f"strptime directive {d} is not supported")
    return fmt


def _strptime(value: Any, fmt: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    try:
        return dt.datetime.strptime(str(value).strip(), _py_format(str(fmt)))
    except ValueError:
        return None


def _epoch(value: Any) -> float | None:
    if isinstance(value, dt.datetime):
        return (value.replace(tzinfo=None) - _EPOCH) / dt.timedelta(seconds=1)
    if isinstance(value, dt.date):
        return (dt.datetime(value.year, value.month, value.day) - _EPOCH) / dt.timedelta(seconds=1)
    raise UnsupportedSQL(f"EPOCH() of {type(value).__name__}")


def _substr(s: Any, start: Any, length: Any = None) -> str:
    text = str(s)
    n = len(text)
    start = int(start)
    # DuckDB: 1-based; 0 behaves as 1 with one fewer character; negative counts from the end
    if start > 0:
        begin = start - 1
    elif start == 0:
        begin = 0
        if length is not None:
            length = int(length) - 1
    else:
        begin = max(n + start, 0)
    if length is None:
        return text[begin:]
    length = int(length)
    if length < 0:
        return text[max(begin + length, 0) : begin]
    return text[begin : begin + length]


def _regexp_extract(s: Any, pattern: Any, group: Any = 0) -> str:
    m = re.search(str(pattern), str(s))
    if not m:
        return ""
    return m.group(int(group)) or ""


def _list_intersect(a: Any, b: Any) -> list[Any]:
    right = {x for x in b if x is not None}
    out: list[Any] = []
    for x in a:
        if x is not None and x in right and x not in out:
            out.append(x)
    return out


def _list_has_any(a: Any, b: Any) -> bool:
    right = {x for x in b if x is not None}
    return any(x is not None and x in right for x in a)


def _array_length(a: Any, dim: Any = 1) -> int:
    return len(a)


def _strict(f: Callable[..., Any]) -> Callable[..., Any]:
    """NULL in, NULL out: DuckDB scalar functions return NULL when any argument is NULL."""

    def g(*args: Any) -> Any:
        if any(a is None for a in args):
            return None
        return f(*args)

    return g


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "jaro_winkler_similarity": _strict(_jaro_winkler),
    "jaro_similarity": _strict(_jaro),
    "levenshtein": _strict(_levenshtein),
    "damerau_levenshtein": _strict(_damerau),
    "jaccard": _strict(_jaccard),
    "try_strptime": _strict(_strptime),
    "strptime": _strict(_strptime),
    "epoch": _strict(_epoch),
    "abs": _strict(abs),
    "lower": _strict(lambda s: str(s).lower()),
    "upper": _strict(lambda s: str(s).upper()),
    "length": _strict(lambda s: len(s) if isinstance(s, list) else len(str(s))),
    "substr": _strict(_substr),
    "substring": _strict(_substr),
    "left": _strict(lambda s, n: str(s)[: max(int(n), 0)] if int(n) >= 0 else str(s)[: int(n)]),
    "right": _strict(lambda s, n: str(s)[-int(n) :] if int(n) > 0 else ""),
    "regexp_extract": _strict(_regexp_extract),
    "list_intersect": _strict(_list_intersect),
    "array_intersect": _strict(_list_intersect),
    "list_has_any": _strict(_list_has_any),
    "array_has_any": _strict(_list_has_any),
    "array_length": _strict(_array_length),
    "len": _strict(lambda s: len(s) if isinstance(s, list) else len(str(s))),
    "log2": _strict(math.log2),
    "round": _strict(lambda x, n=0: round(x, int(n))),
}


def _split_column(col: exp.Column) -> tuple[str, str]:
    """`"first_name_l"` -> ("first_name", "l"); `l.first_name` -> ("first_name", "l")."""
    name = col.name
    table = col.table
    if table in ("l", "r"):
        return name, table
    if name.endswith(("_l", "_r")) and len(name) > 2:
        return name[:-2], name[-1]
    raise UnsupportedSQL(f"column {col.sql()} is neither an _l nor an _r column")


def _and(a: Any, b: Any) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return bool(a) and bool(b)


def _or(a: Any, b: Any) -> bool | None:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return bool(a) or bool(b)


def _cmp(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool | None]:
    def g(a: Any, b: Any) -> bool | None:
        if a is None or b is None:
            return None
        if isinstance(a, bool) or isinstance(b, bool):
            return op(a, b)
        if isinstance(a, int | float) != isinstance(b, int | float):
            raise UnsupportedSQL(f"comparing {type(a).__name__} with {type(b).__name__}")
        return op(a, b)

    return g


_BINARY: dict[type[Any], Callable[[Any, Any], Any]] = {
    exp.EQ: _cmp(lambda a, b: a == b),
    exp.NEQ: _cmp(lambda a, b: a != b),
    exp.GT: _cmp(lambda a, b: a > b),
    exp.GTE: _cmp(lambda a, b: a >= b),
    exp.LT: _cmp(lambda a, b: a < b),
    exp.LTE: _cmp(lambda a, b: a <= b),
    exp.Add: _strict(lambda a, b: a + b),
    exp.Sub: _strict(lambda a, b: a - b),
    exp.Mul: _strict(lambda a, b: a * b),
    exp.DPipe: _strict(lambda a, b: f"{a}{b}"),
}

# sqlglot parses some DuckDB functions into typed nodes; map them back to our function table
_TYPED_FUNCTIONS: dict[type[Any], str] = {
    exp.JarowinklerSimilarity: "jaro_winkler_similarity",
    exp.Levenshtein: "levenshtein",
    exp.Abs: "abs",
    exp.TimeToUnix: "epoch",
    exp.Lower: "lower",
    exp.Upper: "upper",
    exp.Length: "length",
    exp.ArraySize: "array_length",
    exp.ArrayOverlaps: "list_has_any",
    exp.Left: "left",
    exp.Right: "right",
    exp.Substring: "substr",
    exp.RegexpExtract: "regexp_extract",
    exp.StrToTime: "strptime",
}


def _literal(node: exp.Literal) -> Any:
    if node.is_string:
        return node.this
    text = node.this
    try:
        return int(text)
    except ValueError:
        return float(text)


def _compile(node: Any) -> Fn:
    if isinstance(node, exp.Paren):
        return _compile(node.this)
    if isinstance(node, exp.Column):
        name, side = _split_column(node)
        if side == "l":
            return lambda left, _right: left.get(name)
        return lambda _left, right: right.get(name)
    if isinstance(node, exp.Literal):
        value = _literal(node)
        return lambda _l, _r: value
    if isinstance(node, exp.Null):
        return lambda _l, _r: None
    if isinstance(node, exp.Boolean):
        flag = bool(node.this)
        return lambda _l, _r: flag
    if isinstance(node, exp.Neg):
        inner = _compile(node.this)

        def neg(left: Row, right: Row) -> Any:
            v = inner(left, right)
            return None if v is None else -v

        return neg
    if isinstance(node, exp.And):
        a, b = _compile(node.left), _compile(node.right)
        return lambda left, right: _and(a(left, right), b(left, right))
    if isinstance(node, exp.Or):
        a, b = _compile(node.left), _compile(node.right)
        return lambda left, right: _or(a(left, right), b(left, right))
    if isinstance(node, exp.Not):
        inner = _compile(node.this)

        def not_(left: Row, right: Row) -> Any:
            v = inner(left, right)
            return None if v is None else not v

        return not_
    if isinstance(node, exp.Is):
        if not isinstance(node.expression, exp.Null):
            raise UnsupportedSQL(f"IS {node.expression.sql()}")
        if isinstance(node.this, exp.Column):  # the hot null-level test, one call deep
            name, side = _split_column(node.this)
            if side == "l":
                return lambda left, _right: left.get(name) is None
            return lambda _left, right: right.get(name) is None
        inner = _compile(node.this)
        return lambda left, right: inner(left, right) is None
    fast = _fast_comparison(node)
    if fast is not None:
        return fast
    if type(node) in _BINARY:
        op = _BINARY[type(node)]
        a, b = _compile(node.left), _compile(node.right)
        return lambda left, right: op(a(left, right), b(left, right))
    if isinstance(node, exp.Div):
        a, b = _compile(node.left), _compile(node.right)

        def div(left: Row, right: Row) -> Any:
            x, y = a(left, right), b(left, right)
            if x is None or y is None or y == 0:
                return None
            return x / y

        return div
    if isinstance(node, exp.In):
        target = _compile(node.this)
        options = [_compile(e) for e in node.expressions]
        if not options or node.args.get("query") is not None:
            raise UnsupportedSQL(node.sql())

        def in_(left: Row, right: Row) -> Any:
            v = target(left, right)
            if v is None:
                return None
            vals = [o(left, right) for o in options]
            if v in [x for x in vals if x is not None]:
                return True
            return None if any(x is None for x in vals) else False

        return in_
    if isinstance(node, exp.Coalesce):
        parts = [_compile(node.this), *(_compile(e) for e in node.expressions)]

        def coalesce(left: Row, right: Row) -> Any:
            for p in parts:
                v = p(left, right)
                if v is not None:
                    return v
            return None

        return coalesce
    if isinstance(node, exp.Nullif):
        a, b = _compile(node.this), _compile(node.expression)

        def nullif(left: Row, right: Row) -> Any:
            x, y = a(left, right), b(left, right)
            return None if x is not None and y is not None and x == y else x

        return nullif
    if isinstance(node, exp.Case):
        whens = [(_compile(w.this), _compile(w.args["true"])) for w in node.args.get("ifs", [])]
        default = node.args.get("default")
        otherwise = _compile(default) if default is not None else (lambda _l, _r: None)

        def case(left: Row, right: Row) -> Any:
            for cond, val in whens:
                if cond(left, right) is True:
                    return val(left, right)
            return otherwise(left, right)

        return case
    if type(node) in _TYPED_FUNCTIONS:
        return _call(_TYPED_FUNCTIONS[type(node)], _typed_args(node))
    if isinstance(node, exp.Anonymous):
        name = node.name.lower()
        if name not in _FUNCTIONS:
            raise UnsupportedSQL(f"function {node.name}() is not supported by the scorer")
        return _call(name, [_compile(a) for a in node.expressions])
    raise UnsupportedSQL(f"{type(node).__name__} ({node.sql()}) is not supported by the scorer")


_ORDER = {
    exp.EQ: operator.eq,
    exp.NEQ: operator.ne,
    exp.GT: operator.gt,
    exp.GTE: operator.ge,
    exp.LT: operator.lt,
    exp.LTE: operator.le,
}


def _fast_comparison(node: Any) -> Fn | None:
    """Specialized closures for `col_l = col_r` and `f(...) >= 0.92`: most of a model's levels.

    Same semantics as the generic path (NULL -> None; mixed types go to `_cmp`, which refuses
    them), with fewer Python calls per level.
    """
    op = _ORDER.get(type(node))
    if op is None:
        return None
    generic = _BINARY[type(node)]
    left_node, right_node = node.left, node.right
    if isinstance(left_node, exp.Column) and isinstance(right_node, exp.Column):
        (a_name, a_side), (b_name, b_side) = _split_column(left_node), _split_column(right_node)

        def columns(left: Row, right: Row) -> Any:
            a = (left if a_side == "l" else right).get(a_name)
            b = (left if b_side == "l" else right).get(b_name)
            if a is None or b is None:
                return None
            if type(a) is str and type(b) is str:
                return op(a, b)
            return generic(a, b)

        return columns
    if isinstance(right_node, exp.Literal) and not right_node.is_string:
        value = _literal(right_node)
        inner = _compile(left_node)

        def against_number(left: Row, right: Row) -> Any:
            v = inner(left, right)
            if v is None:
                return None
            if type(v) is float or type(v) is int:
                return op(v, value)
            return generic(v, value)

        return against_number
    return None


def _typed_args(node: Any) -> list[Fn]:
    if isinstance(node, exp.Substring):
        args = [node.this, node.args.get("start"), node.args.get("length")]
    elif isinstance(node, exp.RegexpExtract):
        group = node.args.get("group")
        args = [node.this, node.expression, group if group is not None else exp.Literal.number(0)]
    elif isinstance(node, exp.StrToTime):
        args = [node.this, node.args.get("format")]
    elif isinstance(node, exp.Left | exp.Right | exp.ArrayOverlaps | exp.Levenshtein):
        if isinstance(node, exp.Levenshtein) and any(
            node.args.get(k) is not None for k in ("ins_cost", "del_cost", "sub_cost", "max_dist")
        ):
            raise UnsupportedSQL(node.sql())
        args = [node.this, node.expression]
    elif isinstance(node, exp.JarowinklerSimilarity):
        args = [node.this, node.expression]
    else:
        args = [node.this, *node.expressions]
    return [_compile(a) for a in args if a is not None]


def _call(name: str, args: list[Fn]) -> Fn:
    f = _FUNCTIONS[name]
    if len(args) == 1:
        (a,) = args
        return lambda left, right: f(a(left, right))
    if len(args) == 2:
        a, b = args
        return lambda left, right: f(a(left, right), b(left, right))
    return lambda left, right: f(*(g(left, right) for g in args))
