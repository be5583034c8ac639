"""Differential test of the screening engine against PolicyEngine-US (AGPL-3.0, ~900 MB).

PolicyEngine is never imported by OpenHHS or by `make test`. This script runs in two processes:
the OpenHHS side (the project's venv) generates random New York City households as NYC Benefits
Screening API bodies and screens them; the PolicyEngine side runs in a separate venv under /tmp
(`pip install -e '.[oracle]'` there, or just `pip install policyengine-us==2.68.0`) and computes
the same households. The comparison reports agreement rates and tallies each disagreement by the
first intermediate figure that differs.

    python3 -m venv /tmp/pe-venv && /tmp/pe-venv/bin/pip install policyengine-us==2.68.0
    .venv/bin/python bench/oracle_policyengine.py --n 3000 --pe-python /tmp/pe-venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PERIOD_MONTH = "2026-03"
PART_B = 202.90  # 2026 standard Medicare Part B premium
YEAR = 2026
WORK = Path("/tmp/openhhs-oracle")  # noqa: S108 (a scratch folder outside the repo)
SNAP_PARTS = (
    "snap_gross_income",
    "snap_earned_income_deduction",
    "snap_standard_deduction",
    "snap_dependent_care_deduction",
    "snap_excess_medical_expense_deduction",
    "snap_utility_allowance",
    "snap_excess_shelter_expense_deduction",
    "snap_net_income",
    "snap_max_allotment",
)


# -- random households (NYC Benefits Screening API bodies) ------------------------------------
def random_body(rng: random.Random, i: int) -> list[dict[str, Any]]:
    """One renting NYC household: head, maybe a spouse, 0-4 children, wages/benefits, costs."""
    head_age = rng.randint(18, 85)
    people: list[dict[str, Any]] = [{"age": head_age, "householdMemberType": "HeadOfHousehold"}]
    if rng.random() < 0.4:
        people.append(
            {"age": max(18, head_age + rng.randint(-8, 8)), "householdMemberType": "Spouse"}
        )
    if head_age < 60:
        for _ in range(rng.choice([0, 0, 1, 1, 2, 2, 3, 4])):
            people.append({"age": rng.randint(0, 17), "householdMemberType": "Child"})
    for p in people:
        p["incomes"], p["expenses"] = [], []
        if p["age"] >= 18 and rng.random() < 0.05:
            p["disabled"] = True
        if 18 <= p["age"] < 67 and rng.random() < 0.65:
            monthly = round(rng.lognormvariate(7.6, 0.6), 2)
            p["incomes"].append({"amount": monthly, "type": "Wages", "frequency": "Monthly"})
        elif p["age"] >= 62 and rng.random() < 0.8:
            p["incomes"].append(
                {
                    "amount": round(rng.uniform(700, 2600), 2),
                    "type": "SSRetirement",
                    "frequency": "Monthly",
                }
            )
        elif p["age"] >= 18 and rng.random() < 0.15:
            p["incomes"].append(
                {
                    "amount": round(rng.uniform(300, 1800), 2),
                    "type": "Unemployment",
                    "frequency": "Monthly",
                }
            )
        if (p["age"] >= 60 or p.get("disabled")) and rng.random() < 0.3:
            p["expenses"].append(
                {
                    "amount": round(rng.uniform(20, 400), 2),
                    "type": "Medical",
                    "frequency": "Monthly",
                }
            )
    head = people[0]
    head["expenses"].append(
        {"amount": round(rng.uniform(400, 3200), 2), "type": "Rent", "frequency": "Monthly"}
    )
    if rng.random() < 0.3:
        head["expenses"].append(
            {"amount": round(rng.uniform(40, 200), 2), "type": "Heating", "frequency": "Monthly"}
        )
    if any(p["age"] < 13 for p in people) and rng.random() < 0.2:
        head["expenses"].append(
            {
                "amount": round(rng.uniform(100, 1200), 2),
                "type": "ChildCare",
                "frequency": "Monthly",
            }
        )
    household = {"livingRenting": True, "livingRentalType": "MarketRate", "caseId": f"H{i}"}
    return [{"household": [household], "person": people}]


# -- PolicyEngine side (runs in the PolicyEngine venv; imports nothing from OpenHHS) ----------
MONTHLY = {
    "Weekly": 52 / 12,
    "Biweekly": 26 / 12,
    "Semimonthly": 2.0,
    "Monthly": 1.0,
    "Yearly": 1 / 12,
}
PE_INCOME = {
    "Wages": "employment_income",
    "SSRetirement": "social_security_retirement",
    "Unemployment": "unemployment_compensation",
}


def pe_situation(bodies: list[list[dict[str, Any]]]) -> dict[str, Any]:
    people: dict[str, Any] = {}
    groups: dict[str, dict[str, Any]] = {
        k: {} for k in ("households", "spm_units", "tax_units", "families", "marital_units")
    }
    for i, body in enumerate(bodies):
        item = body[0]
        ids = []
        rent = childcare = 0.0
        heating = False
        for j, p in enumerate(item["person"]):
            pid = f"h{i}p{j}"
            ids.append(pid)
            person: dict[str, Any] = {
                "age": {YEAR: p["age"]},
                "is_disabled": {YEAR: bool(p.get("disabled"))},
                # The screener takes SSI as a reported income; PolicyEngine would impute it.
                "takes_up_ssi_if_eligible": {YEAR: False},
                "ny_ssp": {YEAR: 0},
            }
            for inc in p["incomes"]:
                var = PE_INCOME[inc["type"]]
                person[var] = {
                    YEAR: person.get(var, {}).get(YEAR, 0)
                    + inc["amount"] * MONTHLY[inc["frequency"]] * 12
                }
            medical = 0.0
            for exp in p["expenses"]:
                annual = exp["amount"] * MONTHLY[exp["frequency"]] * 12
                if exp["type"] == "Rent":
                    rent += annual
                elif exp["type"] == "ChildCare":
                    childcare += annual
                elif exp["type"] == "Heating":
                    heating = True
                elif exp["type"] == "Medical":
                    medical += annual
            person["other_medical_expenses"] = {YEAR: medical}
            people[pid] = person
        people[ids[0]]["rent"] = {YEAR: rent}
        spouse = [
            pid
            for pid, p in zip(ids, item["person"], strict=True)
            if p["householdMemberType"] == "Spouse"
        ]
        adults = [ids[0], *spouse]
        groups["households"][f"h{i}"] = {
            "members": ids,
            "state_code": {YEAR: "NY"},
            "county": {YEAR: "NEW_YORK_COUNTY_NY"},
            "in_nyc": {YEAR: True},
        }
        groups["spm_units"][f"s{i}"] = {
            "members": ids,
            "childcare_expenses": {YEAR: childcare},
            "has_heating_expense": {YEAR: heating},
            "takes_up_tanf_if_eligible": {YEAR: False},
        }
        groups["tax_units"][f"t{i}"] = {"members": ids}
        groups["families"][f"f{i}"] = {"members": ids}
        groups["marital_units"][f"m{i}"] = {"members": adults}
        for k, pid in enumerate(ids):
            if pid not in adults:
                groups["marital_units"][f"m{i}_{k}"] = {"members": [pid]}
    return {"people": people, **groups}


def pe_worker(inp: Path, out: Path) -> None:
    t0 = time.time()
    from policyengine_us import Simulation

    t1 = time.time()
    bodies = json.loads(inp.read_text())
    sim = Simulation(situation=pe_situation(bodies))
    res: dict[str, Any] = {"import_s": t1 - t0}

    def calc(var: str, period: Any) -> list[float]:
        return [float(x) for x in sim.calculate(var, period)]

    res["snap"] = calc("snap", PERIOD_MONTH)
    res["is_snap_eligible"] = calc("is_snap_eligible", PERIOD_MONTH)
    for part in SNAP_PARTS:
        res[part] = calc(part, PERIOD_MONTH)
    res["is_medicaid_eligible"] = calc("is_medicaid_eligible", YEAR)
    res["is_wic_eligible"] = calc("is_wic_eligible", PERIOD_MONTH)
    res["eitc"] = calc("eitc", YEAR)
    res["ctc"] = calc("ctc", YEAR)
    res["refundable_ctc"] = calc("refundable_ctc", YEAR)
    res["non_refundable_ctc"] = calc("non_refundable_ctc", YEAR)
    res["abawd_ok"] = calc("meets_snap_work_requirements_person", PERIOD_MONTH)
    res["income_tax_before_credits"] = calc("income_tax_before_credits", YEAR)
    res["pe_medicaid_category"] = [str(x) for x in sim.calculate("medicaid_category", YEAR)]
    res["pe_medicaid_income_level"] = calc("medicaid_income_level", YEAR)
    # Second run with the ABAWD time limit neutralized: PE treats every non-working ABAWD as
    # already past the 3-months-in-36 limit; a screener answers for a new applicant.
    situation = pe_situation(bodies)
    for person in situation["people"].values():
        person["meets_snap_abawd_work_requirements"] = {PERIOD_MONTH: True}
        person["meets_snap_general_work_requirements"] = {PERIOD_MONTH: True}
    neutral = Simulation(situation=situation)
    res["snap_abawd_neutral"] = [float(x) for x in neutral.calculate("snap", PERIOD_MONTH)]
    res["is_snap_eligible_abawd_neutral"] = [
        float(x) for x in neutral.calculate("is_snap_eligible", PERIOD_MONTH)
    ]
    for part in ("snap_gross_income", "snap_net_income", "snap_excess_medical_expense_deduction"):
        res[part + "_abawd_neutral"] = [float(x) for x in neutral.calculate(part, PERIOD_MONTH)]
    res["calc_s"] = time.time() - t1
    out.write_text(json.dumps(res))


# -- OpenHHS side and comparison ---------------------------------------------------------------
def ours(bodies: list[list[dict[str, Any]]]) -> dict[str, Any]:
    import datetime as dt

    import numpy as np

    from openhhs.screening import frame_from_items, parse_request, screen_frame
    from openhhs.screening.rules._base import Status
    from openhhs.screening.rules.food import snap_amounts

    items = [parse_request(b)[0] for b in bodies]
    frame = frame_from_items(items)
    fr = screen_frame(frame, dt.date(2026, 3, 1))
    ok = (Status.LIKELY, Status.ELIGIBLE)
    amounts = snap_amounts(fr.derived, fr.snapshot)
    r = fr.results
    return {
        "snap_eligible": np.isin(r["snap"].status, ok).tolist(),
        "snap": np.nan_to_num(r["snap"].amount).tolist(),
        "snap_reason": [r["snap"].branches[i].reason for i in r["snap"].reason],
        "snap_gross": amounts["gross"].tolist(),
        "snap_net": amounts["net"].tolist(),
        "snap_medical": amounts["medical"].tolist(),
        "medicaid_person": r["medicaid"].person_eligible.tolist(),  # type: ignore[union-attr]
        "wic_person": r["wic"].person_eligible.tolist(),  # type: ignore[union-attr]
        "eitc": np.nan_to_num(r["eitc"].amount).tolist(),
        "ctc": np.nan_to_num(r["ctc"].amount).tolist(),
        "hh_of_person": frame.hh.tolist(),
        "ages": frame.age.tolist(),
        "magi": fr.derived.magi_yearly.tolist(),
        "size": fr.derived.size.tolist(),
    }


def classify_snap(i: int, o: dict[str, Any], pe: dict[str, Any], suffix: str = "") -> str:
    """Name the first SNAP intermediate that differs by more than $1."""
    members = [k for k, h in enumerate(o["hh_of_person"]) if h == i]
    if not suffix and not all(pe["abawd_ok"][k] for k in members):
        return "work requirements (ABAWD time limit, work registration) applied by PolicyEngine"
    if abs(o["snap_gross"][i] - pe["snap_gross_income" + suffix][i]) > 1:
        return "gross income differs"
    if abs(o["snap_net"][i] - pe["snap_net_income" + suffix][i]) > 1:
        gap = abs(o["snap_medical"][i] - pe["snap_excess_medical_expense_deduction" + suffix][i])
        near = [abs(gap - k * PART_B + c) for k in (1, 2) for c in (0, 35)]
        if gap > 1 and min(near) < 1.5:
            return "Part B premium: NY Medicare Savings Program limit 186% FPL (PE: 135%)"
        return "net income differs (deductions)"
    if o["snap_eligible"][i] != bool(pe["is_snap_eligible" + suffix][i]):
        return "eligibility test differs with equal incomes"
    return "benefit rounding/minimum"


def compare(bodies: list[list[dict[str, Any]]], o: dict[str, Any], pe: dict[str, Any]) -> dict:
    n = len(bodies)
    # A household of 3+ whose benefit computes to $0 is denied (7 CFR 273.10(e)(2)(iii));
    # PolicyEngine's is_snap_eligible is the tests alone, so eligible here means a benefit > 0.
    for suffix in ("", "_abawd_neutral"):
        pe["is_snap_eligible" + suffix] = [
            float(bool(e) and s > 0)
            for e, s in zip(pe["is_snap_eligible" + suffix], pe["snap" + suffix], strict=True)
        ]
    snap_elig_agree = sum(
        o["snap_eligible"][i] == bool(pe["is_snap_eligible"][i]) for i in range(n)
    )
    both = [i for i in range(n) if o["snap_eligible"][i] and pe["is_snap_eligible"][i]]
    within1 = sum(abs(o["snap"][i] - pe["snap"][i]) <= 1 for i in both)
    classes: dict[str, list[int]] = {}
    for i in range(n):
        differs = o["snap_eligible"][i] != bool(pe["is_snap_eligible"][i]) or (
            o["snap_eligible"][i] and abs(o["snap"][i] - pe["snap"][i]) > 1
        )
        if differs:
            classes.setdefault(classify_snap(i, o, pe), []).append(i)
    neutral_classes: dict[str, list[int]] = {}
    neutral_agree = 0
    neutral_both = []
    for i in range(n):
        pe_ok = bool(pe["is_snap_eligible_abawd_neutral"][i])
        neutral_agree += o["snap_eligible"][i] == pe_ok
        if o["snap_eligible"][i] and pe_ok:
            neutral_both.append(i)
        if o["snap_eligible"][i] != pe_ok or (
            o["snap_eligible"][i] and abs(o["snap"][i] - pe["snap_abawd_neutral"][i]) > 1
        ):
            key = classify_snap(i, o, pe, "_abawd_neutral")
            neutral_classes.setdefault(key, []).append(i)
    explained = set(
        neutral_classes.get(
            "Part B premium: NY Medicare Savings Program limit 186% FPL (PE: 135%)", []
        )
    )
    rest = [i for i in neutral_both if i not in explained]
    rest_within1 = sum(abs(o["snap"][i] - pe["snap_abawd_neutral"][i]) <= 1 for i in rest)
    neutral_within1 = sum(
        abs(o["snap"][i] - pe["snap_abawd_neutral"][i]) <= 1 for i in neutral_both
    )
    n_p = len(o["hh_of_person"])
    med_classes: dict[str, int] = {}
    for k in range(n_p):
        if o["medicaid_person"][k] != bool(pe["is_medicaid_eligible"][k]):
            if o["ages"][k] >= 65 and o["medicaid_person"][k]:
                key = "65+ within NY's 138% aged/blind/disabled level (PE: SSI-related level)"
            elif o["ages"][k] >= 65:
                key = "65+ other"
            elif o["ages"][k] < 19:
                key = "child"
            else:
                key = "adult 19-64"
            med_classes[key] = med_classes.get(key, 0) + 1
    med_diff = [
        {
            "age": o["ages"][k],
            "ours": o["medicaid_person"][k],
            "pe": pe["is_medicaid_eligible"][k],
            "pe_category": pe["pe_medicaid_category"][k],
            "pe_income_level": pe["pe_medicaid_income_level"][k],
            "magi_yearly": o["magi"][o["hh_of_person"][k]],
            "size": o["size"][o["hh_of_person"][k]],
        }
        for k in range(n_p)
        if o["medicaid_person"][k] != bool(pe["is_medicaid_eligible"][k])
    ]
    # The credit actually received: the refundable part plus the rest up to the tax owed.
    pe_ctc = [
        pe["refundable_ctc"][i]
        + min(pe["non_refundable_ctc"][i], max(pe["income_tax_before_credits"][i], 0))
        for i in range(n)
    ]
    ctc_elig = sum((o["ctc"][i] > 0) == (pe_ctc[i] > 0.5) for i in range(n))
    ctc_amt = sum(abs(o["ctc"][i] - pe_ctc[i]) <= 1 for i in range(n))
    med = sum(o["medicaid_person"][k] == bool(pe["is_medicaid_eligible"][k]) for k in range(n_p))
    wic = sum(o["wic_person"][k] == bool(pe["is_wic_eligible"][k]) for k in range(n_p))
    eitc_elig = sum((o["eitc"][i] > 0) == (pe["eitc"][i] > 0) for i in range(n))
    eitc_amt = sum(abs(o["eitc"][i] - pe["eitc"][i]) <= 1 for i in range(n))

    def example(i: int) -> dict[str, Any]:
        return {
            "body": bodies[i],
            "ours": {
                k: o[k][i]
                for k in ("snap_eligible", "snap", "snap_reason", "snap_gross", "snap_net")
            },
            "pe": {k: pe[k][i] for k in ("is_snap_eligible", "snap", *SNAP_PARTS)},
        }

    ctc_examples = [
        {
            "body": bodies[i],
            "ours": o["ctc"][i],
            "pe_refundable": pe["refundable_ctc"][i],
            "pe_non_refundable": pe["non_refundable_ctc"][i],
            "pe_ctc": pe["ctc"][i],
        }
        for i in range(n)
        if abs(o["ctc"][i] - pe_ctc[i]) > 1
    ][:10]
    return {
        "ctc_examples": ctc_examples,
        "households": n,
        "persons": n_p,
        "snap_eligibility_agreement": snap_elig_agree / n,
        "snap_both_eligible": len(both),
        "snap_amount_within_1": within1 / max(len(both), 1),
        "snap_disagreement_classes": {k: len(v) for k, v in classes.items()},
        "snap_examples": {k: [example(i) for i in v[:3]] for k, v in classes.items()},
        "snap_abawd_neutral_eligibility_agreement": neutral_agree / n,
        "snap_abawd_neutral_amount_within_1": neutral_within1 / max(len(neutral_both), 1),
        "snap_abawd_neutral_classes": {k: len(v) for k, v in neutral_classes.items()},
        "snap_amount_within_1_excluding_msp_class": rest_within1 / max(len(rest), 1),
        "snap_abawd_neutral_examples": {
            k: [example(i) for i in v[:3]] for k, v in neutral_classes.items()
        },
        "medicaid_person_agreement": med / n_p,
        "medicaid_disagreement_classes": med_classes,
        "medicaid_disagreements": med_diff[:30],
        "wic_person_agreement": wic / n_p,
        "eitc_eligibility_agreement": eitc_elig / n,
        "eitc_amount_within_1": eitc_amt / n,
        "ctc_eligibility_agreement": ctc_elig / n,
        "ctc_amount_within_1": ctc_amt / n,
        "pe_import_s": pe["import_s"],
        "pe_calc_s": pe["calc_s"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--pe-python", default="/tmp/pe-venv/bin/python")  # noqa: S108
    ap.add_argument("--reuse", action="store_true", help="compare with the last PolicyEngine run")
    ap.add_argument("--pe-worker", nargs=2, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.pe_worker:
        pe_worker(Path(args.pe_worker[0]), Path(args.pe_worker[1]))
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    bodies = [random_body(rng, i) for i in range(args.n)]
    inp, out = WORK / "bodies.json", WORK / "policyengine.json"
    inp.write_text(json.dumps(bodies))
    t0 = time.time()
    o = ours(bodies)
    ours_s = time.time() - t0
    if not (args.reuse and out.exists()):
        subprocess.run([args.pe_python, __file__, "--pe-worker", str(inp), str(out)], check=True)
    report = compare(bodies, o, json.loads(out.read_text()))
    report["openhhs_s"] = ours_s
    (WORK / "report.json").write_text(json.dumps(report, indent=2))
    summary = {k: v for k, v in report.items() if "examples" not in k and "disagreements" not in k}
    print(json.dumps(summary, indent=2))
    print(f"examples of each disagreement class: {WORK / 'report.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
