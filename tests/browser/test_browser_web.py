"""The shell every page shares: accessible, styled by vendored USWDS, nothing fetched off-site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openhhs.db import make_engine
from openhhs.web import create_app

pytestmark = pytest.mark.browser


def test_home_and_docs_are_accessible_and_fully_local(
    page: Any, axe: Any, shot: Any, serve_app: Any, tmp_path: Path
) -> None:
    app = create_app(engine=make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    foreign: list[str] = []
    failed: list[str] = []
    with serve_app(app) as base:
        page.on(
            "request",
            lambda r: foreign.append(r.url) if not r.url.startswith((base, "data:")) else None,
        )
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.goto(base + "/")
        assert page.locator("h1").inner_text() == "Worker Connect"
        # USWDS styles applied: the vendored font face is the computed body font
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert "Source Sans Pro" in font
        assert axe(page) == []
        shot(page, "home")

        page.keyboard.press("Tab")  # first stop is the skip link
        assert page.evaluate("document.activeElement.className") == "usa-skipnav"

        page.goto(base + "/lang/es?next=/")
        assert page.locator("html").get_attribute("lang") == "es"
        assert "Inicie sesión" in page.locator("main").inner_text()

        page.goto(base + "/docs")
        page.wait_for_selector(".swagger-ui .info", timeout=15_000)
        assert "OpenHHS" in page.locator(".swagger-ui .info").inner_text()
        shot(page, "docs")
    assert foreign == []
    assert failed == []
