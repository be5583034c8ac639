"""I/O edges of linkage: the database batch run and training from files."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from openhhs.errors import Conflict, InvalidInput
from openhhs.linkage.batch import link
from openhhs.linkage.features import source_person_record
from openhhs.linkage.frame import feature_frame
from openhhs.linkage.modelfile import LinkageModel, default_model


def link_database(database_url: str | None, review_csv: Path | None = None) -> dict[str, Any]:
    """Batch-link all live source person records and hand the clusters to the CCI registry."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from openhhs.config import Settings
    from openhhs.db import make_engine
    from openhhs.linkage.registry import current_model
    from openhhs.model.person import SourcePerson

    url = database_url or Settings.from_env().database_url
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        people = session.scalars(
            select(SourcePerson).where(SourcePerson.is_deleted.is_(False)).order_by(SourcePerson.id)
        ).all()
        ids = [p.id for p in people]
        rows = [source_person_record(p) for p in people]
        model = current_model(session) or default_model()
        frame = feature_frame(rows)
        result = link(frame, model, never_link=_never_link_pairs(session, ids))
        labels = {
            ids[int(u)]: int(c)
            for u, c in zip(
                result.clusters["unique_id"], result.clusters["cluster_id"], strict=True
            )
        }
        stats: dict[str, Any] = dict(result.stats)
        stats["model"] = model.version
        try:
            from openhhs.cci.registry import assign_enterprise_ids
        except ImportError:
            stats["enterprise_ids"] = "openhhs.cci not available: clusters not assigned"
        else:
            stats["enterprise_ids"] = str(assign_enterprise_ids(session, labels))
            stats["queued_for_review"] = _enqueue_review(session, result.review, ids)
        session.commit()
    if review_csv is not None:
        with review_csv.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["source_person_id_l", "source_person_id_r", "match_weight", "reason"])
            for r in result.review.itertuples(index=False):
                writer.writerow(
                    [ids[int(r.unique_id_l)], ids[int(r.unique_id_r)], r.match_weight, r.reason]
                )
    engine.dispose()
    return stats


def _enqueue_review(session: Any, review: Any, ids: list[int]) -> int:
    """Put batch review pairs in the CCI's clerical review queue (idempotent while pending)."""
    from types import SimpleNamespace

    try:
        from openhhs.cci.review import enqueue
    except ImportError:
        return 0
    for r in review.itertuples(index=False):
        score = SimpleNamespace(match_weight=r.match_weight, match_probability=r.match_probability)
        enqueue(
            session,
            ids[int(r.unique_id_l)],
            ids[int(r.unique_id_r)],
            score,
            reason=r.reason,
            origin="batch",
        )
    return len(review)


def _never_link_pairs(session: Any, ids: list[int]) -> list[tuple[int, int]]:
    """Steward never-link decisions as pairs of row positions (when the CCI keeps them)."""
    try:
        from openhhs.cci import review
    except ImportError:
        return []
    pairs_of = getattr(review, "never_link_pairs", None)
    if pairs_of is None:
        return []
    pos = {sp_id: i for i, sp_id in enumerate(ids)}
    return [(pos[a], pos[b]) for a, b in pairs_of(session) if a in pos and b in pos]


def read_truth(path: Path) -> dict[tuple[str, str], str]:
    with path.open(encoding="utf-8") as fh:
        return {(r["source"], r["record_id"]): r["person_id"] for r in csv.DictReader(fh)}


def train_from_files(
    link_csv: Path,
    truth_csv: Path | None,
    out: Path,
    database_url: str | None,
    *,
    max_pairs: float = 2e6,
) -> dict[str, Any]:
    """Train on a link file; evaluate and gate against the current model when truth is given."""
    from openhhs.linkage.linkfile import read_link_csv
    from openhhs.linkage.train import promote, train

    rows, _warnings, _problems = read_link_csv(link_csv)
    if truth_csv is not None:
        truth = read_truth(truth_csv)
        for r in rows:
            r["person_id"] = truth.get((r["source"], r["record_id"]), f"?{r['_line']}")
    frame = feature_frame(rows, keep=("person_id",) if truth_csv else ())
    if frame["linkable"].sum() < 100:
        raise InvalidInput("need at least 100 linkable records to train a model")
    candidate = train(frame, max_pairs=max_pairs)
    summary: dict[str, Any] = {"version": candidate.version, "out": str(out)}
    current: LinkageModel | None = None
    session = None
    if database_url:
        from sqlalchemy.orm import Session

        from openhhs.db import make_engine
        from openhhs.linkage import registry

        session = Session(make_engine(database_url), expire_on_commit=False)
        current = registry.current_model(session)
    if truth_csv is not None:
        try:
            candidate = promote(candidate, current, frame)
            summary["promoted"] = True
        except Conflict as exc:
            summary["promoted"] = False
            summary["refused"] = exc.message
    candidate.save(out)
    summary["report"] = candidate.report
    if session is not None:
        from openhhs.linkage import registry

        registry.store_model(session, candidate)
        if summary.get("promoted"):
            registry.mark_current(session, candidate.version)
        else:
            registry.mark_refused(session, candidate.version, {"refused": summary.get("refused")})
        session.commit()
        session.close()
    return summary
