"""Reuse the web team's browser harness (tests/browser/conftest.py) for the screener page test."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "openhhs_browser_harness", Path(__file__).parents[1] / "browser" / "conftest.py"
)
assert _spec and _spec.loader
_harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_harness)

browser = _harness.browser
page = _harness.page
axe = _harness.axe
shot = _harness.shot
serve_app = _harness.serve_app
