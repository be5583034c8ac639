"""PostgreSQL row-level security: the acting agencies of a transaction (defence in depth).

Migration access_02 enables RLS on agency-owned tables with a policy that shows a row only when its
agency is listed in the transaction setting `openhhs.agency` (comma-separated). The app connects as
a non-owner role (member of `openhhs_app`) and calls `set_acting_agencies` at the start of each
transaction; a query that forgets the application's own agency filter still cannot read another
agency's rows. SQLite has no row-level security: there the application filter is the only guard.

The web app connects as the owner and switches person-level reads (GET/HEAD with an accepted
purpose, `deps.require_purpose`) to the role with `act_as_app`; writes, push and matching, which
need every agency, stay owner. `OPENHHS_RLS=off` disables the switch (docs/access.md).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable

from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Session

from openhhs.access.policy import Policy
from openhhs.access.principal import Principal
from openhhs.model.codes import Agency

APP_ROLE = "openhhs_app"
SETTING = "openhhs.agency"


def acting_agencies(
    principal: Principal, policy: Policy | None = None, on: dt.date | None = None
) -> list[str]:
    """The principal's agency, plus the providers whose agreements in force name it."""
    out = {principal.agency}
    if policy is not None:
        out |= policy.providers_for(principal.agency, on or dt.datetime.now(dt.UTC).date())
    return sorted(out)


def set_acting_agencies(session: Session, agencies: Iterable[str]) -> None:
    """`SET LOCAL openhhs.agency` for the current transaction (PostgreSQL; no-op on SQLite)."""
    values = []
    for a in agencies:
        values.append(Agency(a).value)  # a ValueError here is a programming error, not input
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text("SELECT set_config(:name, :value, true)"), {"name": SETTING, "value": ",".join(values)}
    )


def set_acting_principal(session: Session, principal: Principal) -> list[str]:
    """Set the acting agencies for `principal` from the agreements in force; return them."""
    from openhhs.access.store import current_policy

    agencies = acting_agencies(principal, current_policy(session))
    set_acting_agencies(session, agencies)
    return agencies


# ------------------------------------------------------------- switched on for request sessions

ENV_SWITCH = "OPENHHS_RLS"
_OFF = frozenset({"off", "0", "false", "no"})
_INFO_KEY = "openhhs.rls.agencies"
_CODE = re.compile(r"[A-Za-z0-9_.-]{1,32}")


def rls_wanted(session: Session) -> bool:
    """RLS applies on PostgreSQL unless `OPENHHS_RLS=off` (SQLite has none: always False)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return os.environ.get(ENV_SWITCH, "on").strip().lower() not in _OFF


_APPLY = text(f"SELECT set_config('role', '{APP_ROLE}', true), set_config(:name, :value, true)")


def _apply(connection: Connection, agencies: str) -> None:
    # set_config('role', ..., true) is SET LOCAL ROLE; both settings end with the transaction, so
    # a pooled connection goes back to the pool as the owner with no acting agency. One
    # statement instead of two: this runs at the start of every transaction of a request.
    connection.execute(_APPLY, {"name": SETTING, "value": agencies})


def _after_begin(session: Session, transaction: object, connection: Connection) -> None:
    agencies = session.info.get(_INFO_KEY)
    if isinstance(agencies, str):
        _apply(connection, agencies)


def act_as_app(
    session: Session, principal: Principal, policy: Policy | None = None
) -> list[str] | None:
    """Run this transaction and every later one of `session` as `openhhs_app` for `principal`.

    The acting agencies are the principal's own plus the providers of agreements in force that
    name it (`acting_agencies`); a query that forgets the application's filter then still sees
    no other agency's rows. Re-applied at the start of each transaction (the request's session
    commits audit entries between reads). Returns the agencies, or None when RLS is off or the
    database is SQLite. A session that needs every agency (push, matching, review decisions)
    must not call this. `policy`: the agreements the caller already read for this request
    (`deps.require_purpose` checked the purpose against them), so they are not read twice and
    the acting agencies come from the same version of them; read here when not given.
    """
    if not rls_wanted(session):
        return None
    if policy is None:
        from openhhs.access.store import current_policy

        policy = current_policy(session)
    agencies = acting_agencies(principal, policy)
    first = _INFO_KEY not in session.info
    # not Agency(...): a principal may belong to a department that owns no rows (an auditor of
    # DSS); its code is kept, harmlessly. Only the list separator must never appear in one.
    session.info[_INFO_KEY] = ",".join(a for a in agencies if _CODE.fullmatch(a))
    if first:
        event.listen(session, "after_begin", _after_begin)
    _apply(session.connection(), session.info[_INFO_KEY])
    return agencies
