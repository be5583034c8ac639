"""The screening engine: every registered rule over a `HouseholdFrame`, as of one date.

`screen_frame` is the one code path for one household or a million: it evaluates each program's
vectorized rule once over all households and returns arrays. `explain` turns one household's row
of those arrays into `ProgramResult`s with reasons in English or Spanish.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from openhhs.screening import rules as _rules  # noqa: F401  (registers every rule)
from openhhs.screening.catalog import PROGRAMS, Program
from openhhs.screening.household import Derived, HouseholdFrame
from openhhs.screening.params import ParameterNotInForce, ParameterStore, Snapshot, default_store
from openhhs.screening.reasons import render
from openhhs.screening.rules._base import RULES, Branch, Decide, RuleResult, Status

CORE_PARAMETERS = ("hhs.fpg",)


@dataclass
class FrameResult:
    """Results for every program over every household of one frame."""

    as_of: dt.date
    frame: HouseholdFrame
    derived: Derived
    snapshot: Snapshot
    results: dict[str, RuleResult]

    def status(self, key: str) -> np.ndarray:
        return self.results[key].status

    def eligible_mask(self, key: str) -> np.ndarray:
        s = self.results[key].status
        return (s == Status.ELIGIBLE) | (s == Status.LIKELY)


@dataclass(frozen=True)
class ProgramResult:
    code: str
    key: str
    name: str
    status: str
    reasons: list[str]
    amount: float | None
    amount_period: str | None
    inputs_that_change: list[str]
    citations: list[str]
    eligible_people: list[int] | None  # person indexes within the household, person programs

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "key": self.key,
            "name": self.name,
            "status": self.status,
            "reasons": self.reasons,
            "estimatedAmount": self.amount,
            "amountPeriod": self.amount_period,
            "inputsThatChangeTheAnswer": self.inputs_that_change,
            "citations": self.citations,
            "eligiblePersons": self.eligible_people,
        }


def _not_in_force(n: int, exc: ParameterNotInForce) -> RuleResult:
    params = (str(exc.details.get("parameter", "")),) if isinstance(exc.details, dict) else ()
    return Decide(n).otherwise(Status.NEED_MORE_INFO, "no_rules_for_date", params=params)


def check_in_force(as_of: dt.date, store: ParameterStore | None = None) -> Snapshot:
    """The snapshot for `as_of`, or `ParameterNotInForce` when the core parameters are missing."""
    snap = (store or default_store()).snapshot(as_of)
    for key in CORE_PARAMETERS:
        snap[key]
    return snap


def screen_frame(
    frame: HouseholdFrame,
    as_of: dt.date,
    *,
    programs: Iterable[str] | None = None,
    store: ParameterStore | None = None,
) -> FrameResult:
    """Run the rules of `programs` (default: all) for every household in `frame`."""
    snap = check_in_force(as_of, store)
    derived = Derived(frame)
    keys = list(programs) if programs is not None else list(RULES)
    results: dict[str, RuleResult] = {}
    for key in keys:
        try:
            results[key] = RULES[key].fn(derived, snap)
        except ParameterNotInForce as exc:
            results[key] = _not_in_force(frame.n_households, exc)
    return FrameResult(as_of, frame, derived, snap, results)


def _fmt_money(x: float) -> str:
    return f"${x:,.0f}" if abs(x - round(x)) < 0.005 else f"${x:,.2f}"


def explain(fr: FrameResult, h: int, lang: str = "en") -> list[ProgramResult]:
    """Plain-language results for household `h` of a screened frame."""
    out = []
    size = int(fr.derived.size[h])
    persons = np.flatnonzero(fr.frame.hh == h)
    for key, res in fr.results.items():
        prog: Program = PROGRAMS[key]
        branch: Branch = res.branches[int(res.reason[h])]
        status = Status(int(res.status[h]))
        value, limit = float(res.value[h]), float(res.limit[h])
        fields = {
            "value": _fmt_money(value) if not np.isnan(value) else "",
            "limit": _fmt_money(limit) if not np.isnan(limit) else "",
            "size": size,
            "who": prog.who(lang),
            "program": prog.name(lang),
        }
        amount = float(res.amount[h])
        if not np.isnan(amount):
            fields["amount"] = _fmt_money(amount)
        citations = [
            fr.snapshot.citation(k) for k in branch.params if k in fr.snapshot.store.parameters
        ]
        reasons = [render(lang, key, branch.reason, fields)]
        if not np.isnan(amount) and status in (Status.LIKELY, Status.ELIGIBLE):
            reasons.append(render(lang, key, f"amount_{RULES[key].amount_unit}", fields))
        reasons += [render(lang, key, note, fields) for note, mask in res.notes if mask[h]]
        eligible_people = None
        if res.person_eligible is not None:
            eligible_people = [int(i) for i in np.flatnonzero(res.person_eligible[persons])]
        out.append(
            ProgramResult(
                code=prog.code,
                key=key,
                name=prog.name(lang),
                status=status.label,
                reasons=reasons,
                amount=None
                if np.isnan(amount) or status == Status.NOT_ELIGIBLE
                else round(amount, 2),
                amount_period=RULES[key].amount_unit,
                inputs_that_change=list(branch.inputs),
                citations=citations or [prog.url],
                eligible_people=eligible_people,
            )
        )
    return out
