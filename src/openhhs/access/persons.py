"""From the person id a request names (an Enterprise ID) to the agency records behind it.

The Common Client Index owns that mapping; this module asks it through one replaceable function
so the decision point does not depend on how the index stores links (tests and tools may plug a
different resolver with `set_person_resolver`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

from sqlalchemy import BindParameter, Select, bindparam, or_, select
from sqlalchemy.orm import Session

from openhhs.db.columns import execute_columns
from openhhs.errors import NotFound
from openhhs.model import SourcePerson

PersonResolver = Callable[[Session, str], Sequence[int]]


def _cci_members(session: Session, person_id: str) -> Sequence[int]:
    try:
        from openhhs.cci.registry import members
    except ImportError:  # the index is not installed: nothing is linked, nothing is shared
        return []
    try:
        return members(session, person_id)
    except NotFound:
        return []


_resolver: PersonResolver = _cci_members


def set_person_resolver(resolver: PersonResolver | None) -> None:
    """Replace the Enterprise ID -> source person ids lookup (None restores the index's)."""
    global _resolver
    _resolver = resolver or _cci_members


def uses_cci_resolver() -> bool:
    """Whether ids resolve through the Common Client Index (so its tables may be batch-read)."""
    if _resolver is not _cci_members:
        return False
    try:
        import openhhs.cci.models  # noqa: F401
    except ImportError:
        return False
    return True


def source_person_ids(session: Session, person_id: str) -> list[int]:
    return list(_resolver(session, person_id))


def record_agencies(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """Owning agency of each live (not tombstoned) source person record."""
    if not ids:
        return {}
    rows = execute_columns(session, _RECORD_AGENCIES, {"ids": list(ids)})
    return {r[0]: r[1] for r in rows}


# Built once (this runs for every person-level request; see access.facts on why).
_RECORD_AGENCIES = select(SourcePerson.id, SourcePerson.agency_id).where(
    SourcePerson.id.in_(bindparam("ids", expanding=True)), SourcePerson.is_deleted.is_(False)
)


@cache
def aliases_statement() -> Select[str, str | None]:
    """The id itself and the ids merged into it (the index is imported lazily: it may be absent)."""
    from openhhs.cci.models import EnterpriseId

    person: BindParameter[str] = bindparam("person")
    return select(EnterpriseId.id, EnterpriseId.merged_into).where(
        or_(EnterpriseId.id == person, EnterpriseId.merged_into == person)
    )


def person_aliases(session: Session, person_id: str) -> list[str]:
    """The id and every Enterprise ID merged into the same survivor, so consent recorded under
    an id that was later merged still counts (and a withdrawal under either still applies).

    One query in the common case (an active id with no aliases): this runs for every person of
    every search page.
    """
    try:
        from openhhs.cci.models import EnterpriseId
        from openhhs.cci.registry import resolve
    except ImportError:
        return [person_id]
    rows = execute_columns(session, aliases_statement(), {"person": person_id}).all()
    survivor = person_id
    if any(r[0] == person_id and r[1] for r in rows):  # an alias was asked for: rare
        try:
            survivor = resolve(session, person_id)
        except NotFound:
            return [person_id]
    ids = {person_id, survivor}
    frontier = [survivor] if survivor != person_id else [r[0] for r in rows if r[1] == person_id]
    ids.update(frontier)
    while frontier:  # merges can chain: A -> B -> C
        found = session.scalars(
            select(EnterpriseId.id).where(EnterpriseId.merged_into.in_(frontier))
        )
        frontier = [r for r in found if r not in ids]
        ids.update(frontier)
    return sorted(ids)
