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


def _arr(x: float | npt.ArrayLike | None, n: int) -> F8:
    if x is None:
        return np.full(n, np.nan)
    return np.broadcast_to(np.asarray(x, dtype=np.float64), (n,))


@dataclass
class Decide:
    """First matching branch wins; `otherwise` closes the rule."""

    n: int
    _conds: list[B1] = field(default_factory=list)
    _branches: list[Branch] = field(default_factory=list)
    _values: list[F8] = field(default_factory=list)
    _limits: list[F8] = field(default_factory=list)

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
        self._conds.append(np.broadcast_to(np.asarray(cond, dtype=bool), (self.n,)))
        self._branches.append(Branch(reason, status, inputs, params))
        self._values.append(_arr(value, self.n))
        self._limits.append(_arr(limit, self.n))
        return self

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
        idx = np.argmax(np.vstack(self._conds), axis=0).astype(np.int16)
        statuses = np.array([b.status for b in self._branches], dtype=np.int8)
        values = np.vstack(self._values)
        limits = np.vstack(self._limits)
        cols = np.arange(self.n)
        amt = _arr(amount, self.n).copy()
        status_arr = statuses[idx]
        amt[status_arr == Status.NOT_ELIGIBLE] = np.nan
        return RuleResult(
            status=status_arr,
            reason=idx,
            branches=tuple(self._branches),
            value=values[idx, cols],
            limit=limits[idx, cols],
            amount=amt,
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
