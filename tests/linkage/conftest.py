from __future__ import annotations

import pytest

from openhhs.linkage.modelfile import LinkageModel, default_model


@pytest.fixture(scope="session")
def model() -> LinkageModel:
    return default_model()
