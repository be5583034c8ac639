"""PostgreSQL row-level security: the acting agencies of a transaction (defence in depth).

Migration access_02 enables RLS on agency-owned tables with a policy that shows a row only when its
agency is listed in the transaction setting `openhhs.agency` (comma-separated). The app connects as
a non-owner role (member of `openhhs_app`) and calls `set_acting_agencies` at the start of each
transaction; a query that forgets the application's own agency filter still cannot read another
agency's rows. SQLite has no row-level security: there the application filter is the only guard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import text
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
