"""What a rule returns, and the small builder every rule uses to say why.

A rule is a function `(Derived, Snapshot) -> RuleResult` over all households at once. It lists
branches in priority order (`when(condition, status, reason, ...)`); the first branch that holds
for a household decides its status and its reason. Reasons are keys into the templates in
`screening/reasons/{en,es}.yaml`; `value`/`limit` feed the template, `inputs` name the request
fields that would change the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from openhhs.screening.household import Derived
from openhhs.screening.params import Snapshot

F8 = npt.NDArray[np.float64]
B1 = npt.NDArray[np.bool_]

INCOME = ("incomes",)  # the request field an income test depends on


class Status(IntEnum):
    NOT_ELIGIBLE = 0
    LIKELY = 1
    ELIGIBLE = 2
    NEED_MORE_INFO = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Branch:
    reason: str
    status: Status
    inputs: tuple[str, ...]
    params: tuple[str, ...]  # parameter keys cited by this reason


@dataclass
class RuleResult:
    status: npt.NDArray[np.int8]
    reason: npt.NDArray[np.int16]  # index into branches
    branches: tuple[Branch, ...]
    value: F8
    limit: F8
    amount: F8  # estimated benefit (unit in the program catalogue), NaN when none
    person_eligible: B1 | None = None  # person-level, for person programs (WIC, Medicaid...)
    notes: list[tuple[str, B1]] = field(default_factory=list)  # extra reasons where a mask holds


def _take(x: float | npt.ArrayLike | None, n: int, mask: B1) -> F8 | float | None:
    """The values of `x` (scalar or length-n array) where `mask` holds."""
    if x is None:
        return None
    arr = np.asarray(x, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr[mask]


@dataclass
class Decide:
    """First matching branch wins; `otherwise` closes the rule.

    Built for one household as much as for a million: branches are kept as given (scalars stay
    scalars) and resolved in one pass, without stacking arrays.
    """

    n: int
    _conds: list[npt.NDArray[np.bool_]] = field(default_factory=list)
    _branches: list[Branch] = field(default_factory=list)
    _values: list[float | npt.ArrayLike | None] = field(default_factory=list)
    _limits: list[float | npt.ArrayLike | None] = field(default_factory=list)

    def when(
        self,
        cond: B1 | bool,
        status: Status,
        reason: str,
        *,
        value: float | npt.ArrayLike | None = None,
        limit: float | npt.ArrayLike | None = None,
        inputs: tuple[str, ...] = (),
        params: tuple[str, ...] = (),
    ) -> Decide:
        self._conds.append(np.asarray(cond, dtype=bool))
        self._branches.append(Branch(reason, status, inputs, params))
        self._values.append(value)
        self._limits.append(limit)
        return self

    def income_test(
        self,
        income: F8,
        limit: float | F8,
        period: str,
        *,
        params: tuple[str, ...],
        person_eligible: B1 | None = None,
    ) -> RuleResult:
        """Close the rule with the usual last test: `likely` at or under the limit, else not.

        `period` ("year" or "month") picks the reason templates `income_within_<period>` and
        `income_over_<period>`.
        """
        return self.when(
            income <= limit,
            Status.LIKELY,
            f"income_within_{period}",
            value=income,
            limit=limit,
            inputs=INCOME,
            params=params,
        ).otherwise(
            Status.NOT_ELIGIBLE,
            f"income_over_{period}",
            value=income,
            limit=limit,
            inputs=INCOME,
            params=params,
            person_eligible=person_eligible,
        )

    def otherwise(
        self,
        status: Status,
        reason: str,
        *,
        value: float | npt.ArrayLike | None = None,
        limit: float | npt.ArrayLike | None = None,
        inputs: tuple[str, ...] = (),
        params: tuple[str, ...] = (),
        amount: float | npt.ArrayLike | None = None,
        person_eligible: B1 | None = None,
    ) -> RuleResult:
        self.when(True, status, reason, value=value, limit=limit, inputs=inputs, params=params)
        n = self.n
        if n == 1:
            return self._one(amount, person_eligible)
        last = len(self._branches) - 1
        idx = np.full(n, last, dtype=np.int16)
        open_ = np.ones(n, dtype=bool)
        for i, cond in enumerate(self._conds[:-1]):
            if cond.ndim == 0:
                if not cond:
                    continue
                hit = open_
            else:
                hit = open_ & cond
            idx[hit] = i
            open_ = open_ & ~hit
            if n == 1 and not open_[0]:
                break
        statuses = np.array([b.status for b in self._branches], dtype=np.int8)
        status_arr = statuses[idx]
        values = np.full(n, np.nan)
        limits = np.full(n, np.nan)
        used = set(idx.tolist()) if n <= 64 else None
        for i, (v, lim) in enumerate(zip(self._values, self._limits, strict=True)):
            if v is None and lim is None:
                continue
            if used is not None and i not in used:
                continue
            m = idx == i
            tv, tl = _take(v, n, m), _take(lim, n, m)
            if tv is not None:
                values[m] = tv
            if tl is not None:
                limits[m] = tl
        if amount is None:
            amt = np.full(n, np.nan)
        else:
            amt = np.array(np.broadcast_to(np.asarray(amount, dtype=np.float64), (n,)))
            amt[status_arr == Status.NOT_ELIGIBLE] = np.nan
        return RuleResult(
            status=status_arr,
            reason=idx,
            branches=tuple(self._branches),
            value=values,
            limit=limits,
            amount=amt,
            person_eligible=person_eligible,
        )

    def _one(self, amount: float | npt.ArrayLike | None, person_eligible: B1 | None) -> RuleResult:
        """The same decision for a single household, without per-branch array work."""
        i = next(k for k, c in enumerate(self._conds) if (c if c.ndim == 0 else c[0]))
        branch = self._branches[i]

        def first(x: float | npt.ArrayLike | None) -> float:
            if x is None:
                return np.nan
            arr = np.asarray(x, dtype=np.float64)
            return float(arr if arr.ndim == 0 else arr[0])

        amt = np.nan if branch.status == Status.NOT_ELIGIBLE else first(amount)
        return RuleResult(
            status=np.array([branch.status], dtype=np.int8),
            reason=np.array([i], dtype=np.int16),
            branches=tuple(self._branches),
            value=np.array([first(self._values[i])]),
            limit=np.array([first(self._limits[i])]),
            amount=np.array([amt]),
            person_eligible=person_eligible,
        )


RuleFn = Callable[[Derived, Snapshot], RuleResult]


@dataclass(frozen=True)
class ProgramRule:
    code: str
    key: str
    fn: RuleFn
    amount_unit: str | None = None  # "month" or "year" when the rule estimates an amount
    person_level: bool = False
    extension: bool = False  # not an ACCESS NYC program code


RULES: dict[str, ProgramRule] = {}


def rule(
    code: str,
    key: str,
    *,
    amount_unit: str | None = None,
    person_level: bool = False,
) -> Callable[[RuleFn], RuleFn]:
    """Register a program rule under its ACCESS NYC code (or an `X-` extension code)."""

    def register(fn: RuleFn) -> RuleFn:
        if key in RULES:
            raise ValueError(f"duplicate program key {key}")
        RULES[key] = ProgramRule(
            code, key, fn, amount_unit, person_level, extension=not code.startswith("S2R")
        )
        return fn

    return register


def fpg(d: Derived, p: Snapshot, size: npt.ArrayLike | None = None) -> F8:
    """Poverty guideline in force for each household's size (annual)."""
    return p.table("hhs.fpg")(d.size if size is None else size)
