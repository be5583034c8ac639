"""Likely eligible, not enrolled: the screening engine over the integrated agency records.

The households, members, ages, incomes, expenses and enrollments ingested from the agencies (HRA's
WMS extract carries them) become one `HouseholdFrame`; the same vectorized rules as the resident
screener run over it, and each outreach target below keeps the people the rules find likely
eligible who are not enrolled. Aggregates go out by borough with small cells (1-10) suppressed,
plus the next smallest cell when one suppressed cell could be derived from the total. Person-level
lists leave only through `openhhs.access.enforce` with purpose `outreach`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from openhhs.model import SourcePerson
from openhhs.model.codes import EnrollmentStatus, HouseholdRelationship, Living
from openhhs.model.household import Expense, Household, HouseholdMember, Income
from openhhs.model.program import Enrollment
from openhhs.screening.engine import FrameResult, screen_frame
from openhhs.screening.household import (
    EXPENSE_INDEX,
    EXPENSE_TYPES,
    HOUSEHOLD_FLAGS,
    INCOME_INDEX,
    INCOME_TYPES,
    MONTHLY_FACTOR,
    PERSON_FLAGS,
    RELATION_INDEX,
    RENTAL_INDEX,
    HouseholdFrame,
)
from openhhs.screening.rules._base import Status

SMALL_CELL_MAX = 10
BOROUGHS = ("Bronx", "Brooklyn", "Manhattan", "Queens", "Staten Island")
# Spellings agencies use for boroughs (names, counties, DCP codes) -> the canonical name.
BOROUGH_ALIASES = {
    **{b.upper(): b for b in BOROUGHS},
    "THE BRONX": "Bronx",
    "BX": "Bronx",
    "2": "Bronx",
    "BRONX COUNTY": "Bronx",
    "KINGS": "Brooklyn",
    "BK": "Brooklyn",
    "3": "Brooklyn",
    "KINGS COUNTY": "Brooklyn",
    "NEW YORK": "Manhattan",
    "MN": "Manhattan",
    "1": "Manhattan",
    "NEW YORK COUNTY": "Manhattan",
    "QN": "Queens",
    "4": "Queens",
    "QUEENS COUNTY": "Queens",
    "RICHMOND": "Staten Island",
    "SI": "Staten Island",
    "5": "Staten Island",
    "RICHMOND COUNTY": "Staten Island",
}


def canonical_borough(values: pd.Series) -> pd.Series:
    """Canonical borough names; anything else is "Unknown"."""
    upper = values.fillna("").astype(str).str.strip().str.upper()
    return upper.map(BOROUGH_ALIASES).fillna("Unknown")


SNAP, MEDICAID, CASH = "HRA.SNAP", "HRA.MA", "HRA.CA"
LIVING_FLAG = {
    Living.RENTING: "living_renting",
    Living.OWNER: "living_owner",
    Living.STAYING_WITH_FRIEND: "living_staying_with_friend",
    Living.HOTEL: "living_hotel",
    Living.SHELTER: "living_shelter",
    Living.PREFER_NOT_TO_SAY: "living_prefer_not_to_say",
}


@dataclass(frozen=True)
class Target:
    """Who an outreach campaign looks for: a program, the people counted, the enrollment gate."""

    key: str  # program key in the engine
    label: str
    enrolled_in: str | None  # program id meaning "already enrolled" (None: not in the data)
    requires_any: tuple[str, ...] = ()  # household must be enrolled in one of these
    person_level: bool = True
    min_age: int = 0
    max_age: int = 200
    needs_earnings: bool = False


TARGETS: tuple[Target, ...] = (
    Target(
        "snap",
        "SNAP for Medicaid/cash households not on SNAP",
        SNAP,
        (MEDICAID, CASH),
        person_level=False,
    ),
    Target(
        "medicaid",
        "Medicaid for members of SNAP/cash households not on Medicaid",
        MEDICAID,
        (SNAP, CASH),
    ),
    Target(
        "wic",
        "WIC for pregnant people and children under 5 in SNAP/Medicaid households",
        None,
        (SNAP, MEDICAID),
        max_age=4,
    ),
    Target(
        "summer_ebt",
        "Summer EBT for children 6-16 in SNAP/Medicaid/cash households",
        None,
        (SNAP, MEDICAID, CASH),
        min_age=6,
        max_age=16,
    ),
    Target(
        "fair_fares",
        "Fair Fares for adults 18-64 on SNAP or cash assistance",
        None,
        (SNAP, CASH),
        min_age=18,
        max_age=64,
    ),
    Target(
        "heap",
        "HEAP for SNAP/cash/Medicaid households",
        None,
        (SNAP, CASH, MEDICAID),
        person_level=False,
    ),
    Target(
        "lifeline",
        "Lifeline for SNAP/Medicaid/cash households",
        None,
        (SNAP, MEDICAID, CASH),
        person_level=False,
    ),
    Target(
        "ctc",
        "Child Tax Credit for working families served by HRA (filing unknown)",
        None,
        (SNAP, MEDICAID, CASH),
        person_level=False,
        needs_earnings=True,
    ),
)


@dataclass
class Population:
    """The integrated records as a frame plus who is who (person and household ids, borough)."""

    frame: HouseholdFrame
    person_ids: np.ndarray  # source_person.id per frame person
    household_ids: np.ndarray  # household.id per frame household
    borough: np.ndarray  # per frame person (str or "")
    enrolled: dict[str, np.ndarray]  # program id -> person-level bool (active enrollment)


@dataclass
class TargetResult:
    target: Target
    person_ids: list[int]  # the people to reach (heads for household targets)
    households: int
    people: int
    by_borough: dict[str, int | None]  # None = suppressed


@dataclass
class OutreachReport:
    as_of: dt.date
    households_screened: int
    people_screened: int
    targets: list[TargetResult] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "asOf": self.as_of.isoformat(),
            "householdsScreened": self.households_screened,
            "peopleScreened": self.people_screened,
            "suppression": f"cells of 1-{SMALL_CELL_MAX} are suppressed (null), with a "
            "complementary cell when one could be derived from the total",
            "targets": [
                {
                    "program": t.target.key,
                    "label": t.target.label,
                    "people": _suppress_one(t.people),
                    "households": _suppress_one(t.households),
                    "byBorough": t.by_borough,
                }
                for t in self.targets
            ],
        }


def _suppress_one(n: int) -> int | None:
    return None if 1 <= n <= SMALL_CELL_MAX else n


def suppress(counts: dict[str, int]) -> dict[str, int | None]:
    """Small-cell suppression with one complementary cell (PRODUCT.md section 6)."""
    out: dict[str, int | None] = {k: _suppress_one(v) for k, v in counts.items()}
    hidden = [k for k, v in out.items() if v is None]
    if len(hidden) == 1:
        shown = sorted((v, k) for k, v in out.items() if v)
        if shown:
            out[shown[0][1]] = None
    return out


# -- building the population ------------------------------------------------------------------
def population_from_frames(
    people: pd.DataFrame,
    incomes: pd.DataFrame,
    expenses: pd.DataFrame,
    households: pd.DataFrame,
    enrollments: pd.DataFrame,
) -> Population:
    """Pure: data frames (as read from the database) -> a `Population`.

    people: household_id, person_id, age, relation (HouseholdRelationship value or None), borough.
    incomes: person_id, type, monthly. expenses: household_id, type, monthly.
    households: household_id, living (Living value or None), rental_type, cash_on_hand.
    enrollments: person_id, program_id (active only).
    """
    people = people.sort_values(["household_id", "person_id"]).reset_index(drop=True)
    hh_ids, hh_index = np.unique(people["household_id"].to_numpy(), return_inverse=True)
    n_h, n_p = len(hh_ids), len(people)
    pos = {int(h): i for i, h in enumerate(hh_ids)}
    person_pos = {int(p): i for i, p in enumerate(people["person_id"].to_numpy())}

    rel = np.array(
        [RELATION_INDEX[_relation(r) or HouseholdRelationship.OTHER] for r in people["relation"]],
        dtype=np.int64,
    )
    head = RELATION_INDEX[HouseholdRelationship.HEAD]
    # a household with no recorded head: its first member is taken as head
    has_head = np.bincount(hh_index, weights=(rel == head), minlength=n_h) > 0
    first = np.r_[True, hh_index[1:] != hh_index[:-1]]
    rel[first & ~has_head[hh_index]] = head
    # two heads: keep the first
    dup = (
        (rel == head)
        & ~first
        & (np.bincount(hh_index, weights=(rel == head), minlength=n_h)[hh_index] > 1)
    )
    rel[dup] = RELATION_INDEX[HouseholdRelationship.OTHER]

    income = np.zeros((n_p, len(INCOME_TYPES)))
    for pid, typ, monthly in incomes[["person_id", "type", "monthly"]].itertuples(index=False):
        i = person_pos.get(int(pid))
        if i is not None and typ in INCOME_INDEX:
            income[i, INCOME_INDEX[typ]] += float(monthly)
    expense = np.zeros((n_p, len(EXPENSE_TYPES)))
    first_member = {int(hh_ids[h]): int(i) for i, h in enumerate(hh_index) if first[i]}
    for hid, typ, monthly in expenses[["household_id", "type", "monthly"]].itertuples(index=False):
        i = first_member.get(int(hid))
        if i is not None and typ in EXPENSE_INDEX:
            expense[i, EXPENSE_INDEX[typ]] += float(monthly)

    hflags = {f: np.zeros(n_h, dtype=bool) for f in HOUSEHOLD_FLAGS}
    known = np.zeros(n_h, dtype=bool)
    rental = np.full(n_h, -1, dtype=np.int64)
    cash = np.zeros(n_h)
    for hid, living, rtype, coh in households[
        ["household_id", "living", "rental_type", "cash_on_hand"]
    ].itertuples(index=False):
        h = pos.get(int(hid))
        if h is None:
            continue
        if living:
            hflags[LIVING_FLAG[Living(living)]][h] = True
            known[h] = True
        if rtype:
            rental[h] = RENTAL_INDEX.get(rtype, -1)
        cash[h] = float(coh or 0)

    enrolled: dict[str, np.ndarray] = {}
    for pid, program in enrollments[["person_id", "program_id"]].itertuples(index=False):
        i = person_pos.get(int(pid))
        if i is not None:
            enrolled.setdefault(str(program), np.zeros(n_p, dtype=bool))[i] = True

    frame = HouseholdFrame(
        n_households=n_h,
        cash_on_hand=cash,
        household_flags=hflags,
        housing_known=known,
        rental_type=rental,
        hh=hh_index.astype(np.int64),
        age=people["age"].to_numpy(dtype=np.int64),
        relation=rel,
        person_flags={f: np.zeros(n_p, dtype=bool) for f in PERSON_FLAGS},
        income=income,
        expense=expense,
    )
    return Population(
        frame=frame,
        person_ids=people["person_id"].to_numpy(),
        household_ids=hh_ids,
        borough=people["borough"].fillna("").to_numpy(dtype=object),
        enrolled=enrolled,
    )


def _relation(value: Any) -> HouseholdRelationship | None:
    try:
        return HouseholdRelationship(value) if value else None
    except ValueError:
        return None


def _age(dob: dt.date | None, on: dt.date) -> int:
    if dob is None:
        return 40  # unknown age: an adult, so no child-only program is suggested
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def load_population(engine: Engine, as_of: dt.date) -> Population:
    """Read households, members, incomes, expenses and active enrollments in force on `as_of`."""
    with Session(engine) as s:
        member_rows = s.execute(
            select(
                HouseholdMember.household_id,
                HouseholdMember.source_person_id,
                HouseholdMember.relationship_to_head,
                HouseholdMember.valid_to,
                SourcePerson.dob,
                SourcePerson.borough,
            ).join(SourcePerson, SourcePerson.id == HouseholdMember.source_person_id)
        ).all()
        people = pd.DataFrame(
            [
                (h, p, str(r) if r else None, _age(dob, as_of), b)
                for h, p, r, vt, dob, b in member_rows
                if vt is None or vt >= as_of
            ],
            columns=["household_id", "person_id", "relation", "age", "borough"],
        ).drop_duplicates("person_id")
        inc_rows = s.execute(
            select(
                Income.source_person_id,
                Income.type,
                Income.amount,
                Income.frequency,
                Income.valid_from,
                Income.valid_to,
            )
        ).all()
        incomes = pd.DataFrame(
            [
                (p, str(t), float(a) * MONTHLY_FACTOR[f])
                for p, t, a, f, vf, vt in inc_rows
                if (vf is None or vf <= as_of) and (vt is None or vt >= as_of)
            ],
            columns=["person_id", "type", "monthly"],
        )
        exp_rows = s.execute(
            select(Expense.household_id, Expense.type, Expense.amount, Expense.frequency)
        ).all()
        expenses = pd.DataFrame(
            [(h, str(t), float(a) * MONTHLY_FACTOR[f]) for h, t, a, f in exp_rows],
            columns=["household_id", "type", "monthly"],
        )
        hh_rows = s.execute(
            select(Household.id, Household.living, Household.rental_type, Household.cash_on_hand)
        ).all()
        households = pd.DataFrame(
            [(h, str(lv) if lv else None, str(rt) if rt else None, c) for h, lv, rt, c in hh_rows],
            columns=["household_id", "living", "rental_type", "cash_on_hand"],
        )
        enr_rows = s.execute(
            select(Enrollment.source_person_id, Enrollment.program_id, Enrollment.end_date).where(
                Enrollment.status == EnrollmentStatus.ACTIVE
            )
        ).all()
        enrollments = pd.DataFrame(
            [(p, g) for p, g, end in enr_rows if end is None or end >= as_of],
            columns=["person_id", "program_id"],
        )
    return population_from_frames(people, incomes, expenses, households, enrollments)


# -- finding the people -----------------------------------------------------------------------
def find(pop: Population, as_of: dt.date, targets: Iterable[Target] = TARGETS) -> OutreachReport:
    """Screen the population and apply each outreach target."""
    f = pop.frame
    report = OutreachReport(as_of, f.n_households, f.n_persons)
    if f.n_households == 0:
        return report
    targets = list(targets)
    fr: FrameResult = screen_frame(f, as_of, programs=sorted({t.key for t in targets}))
    d = fr.derived
    none = np.zeros(f.n_persons, dtype=bool)
    for t in targets:
        res = fr.results[t.key]
        hh_ok = (res.status == Status.LIKELY) | (res.status == Status.ELIGIBLE)
        if t.requires_any:
            served = np.zeros(f.n_persons, dtype=bool)
            for prog in t.requires_any:
                served |= pop.enrolled.get(prog, none)
            hh_ok &= d.hany(served)
        if t.needs_earnings:
            hh_ok &= d.earned_monthly > 0
        enrolled = pop.enrolled.get(t.enrolled_in, none) if t.enrolled_in else none
        hh_enrolled = d.hany(enrolled)
        if t.person_level:
            who = res.person_eligible if res.person_eligible is not None else np.ones_like(none)
            age_ok = (d.age >= t.min_age) & (d.age <= t.max_age)
            if t.key == "wic":
                age_ok |= d.pflag("pregnant")
            chosen = who & age_ok & hh_ok[f.hh] & ~enrolled
        else:
            chosen = d.is_head & (hh_ok & ~hh_enrolled)[f.hh]
        idx = np.flatnonzero(chosen)
        boroughs = canonical_borough(pd.Series(pop.borough[idx], dtype=object))
        counts = {b: int((boroughs == b).sum()) for b in (*BOROUGHS, "Unknown")}
        report.targets.append(
            TargetResult(
                target=t,
                person_ids=[int(x) for x in pop.person_ids[idx]],
                households=len(np.unique(f.hh[idx])),
                people=len(idx),
                by_borough=suppress(counts),
            )
        )
    return report


def outreach_list(
    session: Session, principal: Any, report: OutreachReport, program: str
) -> list[dict[str, Any]]:
    """Contact details for one target's people, each filtered by `openhhs.access.enforce`.

    Only people with an Enterprise ID can be named (the access layer decides per person); whoever
    the agreements do not cover comes back redacted and is left out of the list.
    """
    from openhhs.access import enforce, is_redacted
    from openhhs.access.vocab import Purpose

    try:
        from openhhs.cci.registry import enterprise_id_of
    except ImportError:  # no index installed: nobody can be named
        return []
    target = next((t for t in report.targets if t.target.key == program), None)
    if target is None:
        raise KeyError(f"no outreach target {program!r}")
    out: list[dict[str, Any]] = []
    for spid in target.person_ids:
        eid = enterprise_id_of(session, spid)
        if eid is None:
            continue
        sp = session.get(SourcePerson, spid)
        if sp is None:
            continue
        payload = {
            "person_id": eid,
            "person": {
                "name": " ".join(x for x in (sp.first_name, sp.last_name) if x),
                "dob": sp.dob.isoformat() if sp.dob else None,
                "address": ", ".join(x for x in (sp.street, sp.unit, sp.city, sp.zip5) if x),
                "phone": sp.phone,
                "language": sp.primary_language,
            },
        }
        filtered = enforce(
            principal, Purpose.OUTREACH, eid, payload, session=session, action="screening:outreach"
        ).payload
        person = filtered.get("person", {})
        if person and not all(is_redacted(v) for v in person.values()):
            out.append({"person_id": eid, "program": program, **person})
    return out


def run_cli(
    as_of: dt.date, out: Path | None, username: str | None, database_url: str | None
) -> int:
    """`openhhs screen outreach`: counts by borough; with --principal, the enforced list too."""
    import json

    from openhhs.config import Settings
    from openhhs.db.engine import make_engine

    engine = make_engine(database_url or Settings.from_env().database_url)
    report = find(load_population(engine, as_of), as_of)
    result: dict[str, Any] = report.as_dict()
    if username:
        from openhhs.access.accounts import user_principal
        from openhhs.access.models import User

        with Session(engine) as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                print(json.dumps({"error": f"unknown user {username!r}"}))
                return 2
            principal = user_principal(user)
            result["outreachLists"] = {
                t.target.key: outreach_list(session, principal, report, t.target.key)
                for t in report.targets
            }
            session.commit()  # the access layer's audit records
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")
    else:
        print(text, end="")
    return 0
