"""Model registry: versioned models in the `linkage_model` table, one of them current.

`current_model(session_or_engine)` is what batch `link` and the CCI's online scorer read; when
no model was ever promoted it returns None and callers fall back to the bundled default model.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from openhhs.db.base import utcnow
from openhhs.linkage.modelfile import LinkageModel
from openhhs.linkage.models import (
    STATUS_CANDIDATE,
    STATUS_CURRENT,
    STATUS_REFUSED,
    STATUS_RETIRED,
    LinkageModelRow,
)


def _with_session(bind: Session | Engine, fn: Any) -> Any:
    if isinstance(bind, Session):
        return fn(bind)
    with Session(bind, expire_on_commit=False) as session:
        result = fn(session)
        session.commit()
        return result


def current_model(bind: Session | Engine) -> LinkageModel | None:
    """The promoted model, or None when none was promoted yet."""

    def read(session: Session) -> LinkageModel | None:
        row = session.scalars(
            select(LinkageModelRow)
            .where(LinkageModelRow.status == STATUS_CURRENT)
            .order_by(LinkageModelRow.id.desc())
        ).first()
        return LinkageModel.from_dict(row.document) if row else None

    result: LinkageModel | None = _with_session(bind, read)
    return result


def store_model(session: Session, model: LinkageModel, status: str = STATUS_CANDIDATE) -> int:
    """Save a model version (flushes; the caller commits)."""
    row = LinkageModelRow(
        version=model.version, status=status, document=model.to_dict(), report=model.report
    )
    session.add(row)
    session.flush()
    return row.id


def mark_current(session: Session, version: str) -> None:
    """Make `version` the current model; the previous current one is retired."""
    session.execute(
        update(LinkageModelRow)
        .where(LinkageModelRow.status == STATUS_CURRENT)
        .values(status=STATUS_RETIRED)
    )
    session.execute(
        update(LinkageModelRow)
        .where(LinkageModelRow.version == version)
        .values(status=STATUS_CURRENT, promoted_at=utcnow())
    )
    session.flush()


def mark_refused(session: Session, version: str, report: dict[str, Any]) -> None:
    session.execute(
        update(LinkageModelRow)
        .where(LinkageModelRow.version == version)
        .values(status=STATUS_REFUSED, report=report)
    )
    session.flush()


def history(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(select(LinkageModelRow).order_by(LinkageModelRow.id)).all()
    return [
        {"version": r.version, "status": r.status, "created_at": r.created_at, "report": r.report}
        for r in rows
    ]
