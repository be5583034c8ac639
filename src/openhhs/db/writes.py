"""Writes made past the ORM's unit of work, so "is there anything to commit?" stays answerable.

A Core `INSERT` on the session's connection is cheaper than adding an object and flushing it
(the audit log appends one row per person-level read), but the session's `new`/`dirty` sets do
not see it. Writers call `note_core_write`; whoever decides whether to commit asks
`has_pending_writes`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

_KEY = "openhhs.db.core_write"


def note_core_write(session: Session) -> None:
    """This session's current transaction wrote rows the ORM does not track."""
    session.info[_KEY] = session.get_transaction()


def has_unflushed(session: Session) -> bool:
    """ORM changes (new, changed or deleted objects) not yet flushed."""
    return bool(session.new or session.dirty or session.deleted)


def has_pending_writes(session: Session) -> bool:
    """ORM changes not yet committed, or a Core write in the still-open transaction."""
    if has_unflushed(session):
        return True
    marked = session.info.get(_KEY)
    return marked is not None and marked is session.get_transaction()
