"""Access: decide() and enforce() per-call latency for a snapshot-sized payload.

A person served by five agencies (one with a mental-health program, consent on file), ten
enrollments, twenty events and eight documents: the shape Worker Connect's snapshot passes to
`enforce`. `evaluate` is the pure decision; `decide` adds the policy and facts queries; `enforce`
walks the whole payload, writes the audit entries (hash chain) and commits. Embedded SQLite,
migrated in a temporary folder; the shipped agreements loaded into it.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bench._report import md_table, write_section
from openhhs.access import (
    DecisionContext,
    Principal,
    PrincipalKind,
    Role,
    decide,
    enforce,
    enforce_many,
)
from openhhs.access.consent import give_consent
from openhhs.access.facts import load_facts
from openhhs.access.pdp import evaluate
from openhhs.access.persons import set_person_resolver
from openhhs.access.store import current_policy, load_agreements
from openhhs.db import make_engine, upgrade
from openhhs.model import Agency, Enrollment, Program, SourcePerson, SourceSystem
from openhhs.model.codes import AGENCY_NAMES, EnrollmentStatus, ProgramArea, SensitiveCategory

AGENCIES = {
    "HRA": (ProgramArea.BENEFITS, None),
    "DHS": (ProgramArea.SHELTER, None),
    "DOHMH": (ProgramArea.MENTAL_HEALTH, SensitiveCategory.MENTAL_HEALTH),
    "NYCHA": (ProgramArea.HOUSING, None),
    "DFTA": (ProgramArea.AGING, None),
}
WORKER = Principal(
    id="user:bench", kind=PrincipalKind.USER, agency="HRA", roles=frozenset({Role.CASEWORKER})
)


def seed(session: Session) -> list[int]:
    ids = []
    for code, (area, cat) in AGENCIES.items():
        session.add(Agency(id=code, name=AGENCY_NAMES[code]))  # type: ignore[index]
        session.add(SourceSystem(id=f"{code.lower()}_sys", agency_id=code, name=code))
        session.flush()
        session.add(
            Program(
                id=f"{code}.P",
                name=f"{code} program",
                agency_id=code,
                area=area,
                sensitive_category=cat,
            )
        )
        sp = SourcePerson(
            agency_id=code,
            source_system_id=f"{code.lower()}_sys",
            source_id="P1",
            record_hash="0" * 64,
            raw={},
        )
        session.add(sp)
        session.flush()
        ids.append(sp.id)
        for k in range(2):
            session.add(
                Enrollment(
                    agency_id=code,
                    source_system_id=f"{code.lower()}_sys",
                    source_id=f"E{k}",
                    record_hash="0" * 64,
                    source_person_id=sp.id,
                    program_id=f"{code}.P",
                    status=EnrollmentStatus.ACTIVE,
                )
            )
    session.commit()
    return ids


def payload() -> dict[str, Any]:
    agencies = list(AGENCIES)
    return {
        "person_id": "E-BENCH",
        "person": {
            k: "x"
            for k in ("name", "dob", "ssn_last4", "address", "phone", "race", "language", "sex")
        },
        "household": {"members": [{"name": "y"}] * 3},
        "enrollments": [
            {
                "agency": a,
                "id": i,
                "categories": ["mental_health"] if a == "DOHMH" else [],
                "program": "p",
                "status": "active",
                "dates": {"start": "2026-01-01"},
                "case_number": "C1",
                "worker_contact": {"name": "w", "phone": "p"},
            }
            for i, a in enumerate(agencies * 2)
        ],
        "events": [
            {"agency": a, "type": t, "occurred_at": "2026-10-01"}
            for a, t in zip(
                agencies * 4,
                ["shelter_entry", "mh_service", "move", "case_opened"] * 5,
                strict=False,
            )
        ],
        "documents": [{"agency": "HRA", "doc_type": "lease", "id": n} for n in range(8)],
    }


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    for _ in range(min(20, n)):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def row(name: str, ms: list[float]) -> list[object]:
    q = statistics.quantiles(ms, n=100)
    return [name, len(ms), f"{statistics.median(ms):.3f}", f"{q[94]:.3f}", f"{q[98]:.3f}"]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        with Session(engine, expire_on_commit=False) as s:
            ids = seed(s)
            set_person_resolver(lambda _s, pid: ids if pid == "E-BENCH" else [])
            load_agreements(s)
            give_consent(
                s,
                person_id="E-BENCH",
                recipients=["HRA"],
                purposes=["case_management"],
                categories=["mental_health"],
                recorded_by=WORKER,
                method="written",
            )
            s.commit()
            at = dt.datetime.now(dt.UTC)
            policy = current_policy(s)
            facts = load_facts(s, "E-BENCH", at=at)
            body = payload()
            probe = enforce(WORKER, "case_management", "E-BENCH", body, session=s)
            n_decisions = len(probe.decisions)
            ctx = DecisionContext(session=s, provider="DHS")
            results = [
                row(
                    "evaluate() one element, pure",
                    timed(
                        lambda: evaluate(
                            policy,
                            WORKER,
                            "case_management",
                            "enrollment.worker_contact",
                            facts,
                            at=at,
                            provider="DOHMH",
                        ),
                        5000,
                    ),
                ),
                row(
                    "decide() one element, with DB facts",
                    timed(
                        lambda: decide(
                            WORKER, "case_management", "E-BENCH", "event.shelter", ctx=ctx
                        ),
                        500,
                    ),
                ),
                row(
                    f"enforce() snapshot ({n_decisions} elements, audit + commit)",
                    timed(
                        lambda: enforce(WORKER, "case_management", "E-BENCH", body, session=s), 300
                    ),
                ),
                row(
                    "enforce() snapshot, facts preloaded, no commit",
                    timed(
                        lambda: enforce(
                            WORKER,
                            "case_management",
                            "E-BENCH",
                            body,
                            session=s,
                            policy=policy,
                            facts=facts,
                            commit=False,
                        ),
                        300,
                    ),
                ),
            ]
            page = [("E-BENCH", {"person": {"name": "x", "dob": "y"}})] * 10
            results.append(
                row(
                    "enforce_many() 10 search results (name + dob), audit + one commit",
                    timed(lambda: enforce_many(WORKER, "case_management", page, session=s), 100),
                )
            )
            s.rollback()
        engine.dispose()
    body_md = (
        "Person served by 5 agencies: 8 person fields, household, 10 enrollments (2 mental "
        "health, consent on file), 20 events, 8 documents. SQLite, shipped agreements loaded. "
        "Latency in milliseconds. The snapshot target (p95 <= 150 ms end to end, PRODUCT.md §5) "
        "leaves room for this filter.\n\n"
        + md_table(["call", "n", "median ms", "p95 ms", "p99 ms"], results)
        + "\n\nMeasured while 8 engineers shared 2 cores."
    )
    write_section("access", "Access: decide() and enforce()", "python -m bench access", body_md)
    print(body_md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
