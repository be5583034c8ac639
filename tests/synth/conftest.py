"""One generated city per test process, shared by the read-only tests of tests/synth."""

from __future__ import annotations

from pathlib import Path

import pytest

from openhhs.synth import Manifest, generate


@pytest.fixture(scope="session")
def shared_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    out = tmp_path_factory.mktemp("shared_city")
    return out, generate(people=3000, seed=11, out=out)
