"""A small labelled population for linkage tests: households, twins, juniors, typos.

Not the synthetic city (`openhhs.synth`): a few hundred lines of data shaped to exercise the
household guard and the constraints quickly and deterministically. Returns link-file rows plus a
`person_id` truth column.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

FIRST_F = ["MARIA", "JENNIFER", "ELIZABETH", "PATRICIA", "LINDA", "SUSAN", "ANA", "KATHERINE"]
FIRST_F += ["MARGARET", "JESSICA", "SARAH", "KAREN", "NANCY", "LISA", "BETTY", "SANDRA", "ASHLEY"]
FIRST_M = ["JAMES", "ROBERT", "JOHN", "MICHAEL", "WILLIAM", "DAVID", "JOSE", "RICHARD", "JOSEPH"]
FIRST_M += ["THOMAS", "CHARLES", "CHRISTOPHER", "DANIEL", "MATTHEW", "ANTHONY", "LUIS", "KEVIN"]
NICK = {"ROBERT": "BOB", "WILLIAM": "BILL", "ELIZABETH": "LIZ", "JAMES": "JIM", "MICHAEL": "MIKE"}
NICK |= {"RICHARD": "DICK", "JOSEPH": "JOE", "KATHERINE": "KATE", "MARGARET": "PEGGY"}
LAST = ["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "RODRIGUEZ"]
LAST += ["MARTINEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ", "WILSON", "ANDERSON", "THOMAS", "TAYLOR"]
LAST += ["MOORE", "JACKSON", "MARTIN", "LEE", "PEREZ", "THOMPSON", "WHITE", "HARRIS", "CLARK"]
STREETS = ["MAIN ST", "BROADWAY", "W 45 ST", "GRAND CONCOURSE", "OCEAN AVE", "LINDEN BLVD"]
STREETS += ["FLATBUSH AVE", "AMSTERDAM AVE", "JAMAICA AVE", "VICTORY BLVD", "E 149 ST"]
ZIPS = ["10001", "10036", "10451", "11201", "11226", "11432", "10301", "10027", "11212"]
SOURCES = ("HRA", "DHS", "ACS", "DOE", "NYCHA")


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.4:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind < 0.7:
        return text[:i] + text[i + 1 :]
    return text[:i] + rng.choice("AEIOURSTLN") + text[i + 1 :]


def _ssn(rng: random.Random) -> str:
    return f"{rng.randint(100, 665):03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"


def _people(rng: random.Random, households: int) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = []
    for h in range(households):
        last = rng.choice(LAST)
        if rng.random() < 0.1:
            last = f"{last}-{rng.choice(LAST)}"
        home = {
            "street": f"{rng.randint(1, 2999)} {rng.choice(STREETS)}",
            "unit": f"{rng.randint(1, 20)}{rng.choice('ABCDEF')}" if rng.random() < 0.7 else "",
            "zip": rng.choice(ZIPS),
            "phone": f"718{rng.randint(2000000, 9999999)}",
        }
        adult_year = rng.randint(1950, 1995)
        size = rng.choice([1, 1, 2, 3, 4])
        kids_year = min(adult_year + rng.randint(20, 30), 2015)
        for k in range(size):
            sex = rng.choice("MF")
            first = rng.choice(FIRST_M if sex == "M" else FIRST_F)
            year = adult_year + rng.randint(-3, 3) if k < 2 else kids_year + rng.randint(0, 8)
            dob = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            person = {
                "person_id": f"P{h:05d}{k}",
                "first_name": first,
                "middle_name": rng.choice(FIRST_M + FIRST_F) if rng.random() < 0.5 else "",
                "last_name": last,
                "suffix": "",
                "dob": dob,
                "sex": sex,
                "ssn": _ssn(rng) if rng.random() < 0.85 else "",
                **home,
            }
            people.append(person)
            if k >= 2 and rng.random() < 0.15:  # twin: same birthday and home, another name
                twin_sex = rng.choice("MF")
                twin_names = FIRST_M if twin_sex == "M" else FIRST_F
                twin = person | {
                    "person_id": f"{person['person_id']}T",
                    "first_name": rng.choice([n for n in twin_names if n != first]),
                    "sex": twin_sex,
                    "ssn": _ssn(rng) if person["ssn"] else "",
                }
                people.append(twin)
            if k == 0 and sex == "M" and rng.random() < 0.15:  # junior at the same home
                jr_dob = dt.date(dob.year + 25, rng.randint(1, 12), rng.randint(1, 28))
                people.append(
                    person
                    | {
                        "person_id": f"{person['person_id']}J",
                        "suffix": "JR",
                        "dob": jr_dob,
                        "ssn": _ssn(rng) if person["ssn"] else "",
                    }
                )
    return people


def _record(rng: random.Random, person: dict[str, Any]) -> dict[str, Any]:
    rec = dict(person)
    if rng.random() < 0.08:
        rec["first_name"] = _typo(rng, rec["first_name"])
    if rng.random() < 0.06:
        rec["last_name"] = _typo(rng, rec["last_name"])
    if rng.random() < 0.06 and rec["first_name"] in NICK:
        rec["first_name"] = NICK[rec["first_name"]]
    dob: dt.date = rec["dob"]
    roll = rng.random()
    if roll < 0.03 and dob.day <= 12:
        dob = dt.date(dob.year, dob.day, dob.month)
    elif roll < 0.06:
        dob = dt.date(dob.year + rng.choice([-1, 1]), dob.month, dob.day)
    rec["dob"] = "" if rng.random() < 0.03 else dob.isoformat()
    if rec["ssn"] and rng.random() < 0.04:
        s = rec["ssn"]
        i = rng.randrange(0, 8)
        rec["ssn"] = s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    if rec["ssn"] and rng.random() < 0.1:
        rec["ssn"] = ""
    if rng.random() < 0.15:  # moved
        rec["street"] = f"{rng.randint(1, 2999)} {rng.choice(STREETS)}"
        rec["unit"] = ""
        rec["zip"] = rng.choice(ZIPS)
    if rng.random() < 0.3:
        rec["phone"] = ""
    if rng.random() < 0.02:
        rec["first_name"], rec["last_name"] = rec["last_name"], rec["first_name"]
    return rec


def generate(households: int = 300, seed: int = 7) -> list[dict[str, Any]]:
    """Link-file rows (`source`, `record_id`, ...) plus the truth column `person_id`."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    rows: list[dict[str, Any]] = []
    for person in _people(rng, households):
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            rec = _record(rng, person)
            source = rng.choice(SOURCES)
            rec["source"] = source
            rec["record_id"] = f"{source[0]}{len(rows):07d}"
            rows.append(rec)
    return rows
