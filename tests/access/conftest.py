"""Access test fixtures: the tiny city, with Enterprise IDs resolved without the CCI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from access_city import seed_city
from sqlalchemy.orm import Session

from openhhs.access import passwords
from openhhs.access.persons import set_person_resolver


@pytest.fixture
def city(session: Session) -> Iterator[dict[str, list[int]]]:
    links = seed_city(session)
    set_person_resolver(lambda _s, pid: links.get(pid, []))
    yield links
    set_person_resolver(None)


@pytest.fixture(autouse=True)
def cheap_argon2(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests exercise the logic, not the cost: 64 MiB x 3 passes per hash on 2 shared cores
    would take the folder past its time budget. `@pytest.mark.real_argon2` keeps the real one."""
    if request.node.get_closest_marker("real_argon2"):
        return
    cheap = passwords.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", cheap.hash("dummy"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_argon2: use the production argon2 parameters")
