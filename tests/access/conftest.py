"""Access test fixtures: the tiny city, with Enterprise IDs resolved without the CCI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from access_city import seed_city
from sqlalchemy.orm import Session

from openhhs.access.persons import set_person_resolver


@pytest.fixture
def city(session: Session) -> Iterator[dict[str, list[int]]]:
    links = seed_city(session)
    set_person_resolver(lambda _s, pid: links.get(pid, []))
    yield links
    set_person_resolver(None)
