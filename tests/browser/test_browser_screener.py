"""The resident screener in Debian's chromium: keyboard only, English and Spanish, a phone-sized
viewport, axe-core clean, and results with reasons, documents and where to apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openhhs.db import make_engine
from openhhs.web import create_app

pytestmark = pytest.mark.browser


def test_screener_by_keyboard_with_results(
    page: Any, axe: Any, shot: Any, serve_app: Any, tmp_path: Path
) -> None:
    app = create_app(engine=make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    posted: list[str] = []
    with serve_app(app) as base:
        page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
        page.goto(base + "/screener")
        assert axe(page) == []
        # step 1 by keyboard: size 2, renting (first radio), Next
        page.focus("#size")
        page.keyboard.press("ArrowDown")
        page.focus("[data-testid=next]")
        page.keyboard.press("Enter")
        page.wait_for_selector("#age_1")
        assert "size=2" in page.url  # htmx pushed the step into the address bar
        assert axe(page) == []
        page.focus("#age_0")
        page.keyboard.type("30")
        page.fill("#age_1", "2")
        page.fill("#wages", "1500")
        page.fill("#rent", "1400")
        shot(page, "step2")
        page.focus("[data-testid=see-results]")
        page.keyboard.press("Enter")
        page.wait_for_selector("[data-testid=eligible]")
        text = page.locator("[data-testid=eligible]").inner_text()
        assert "SNAP" in text and "Estimated benefit: $471 a month." in text
        assert page.locator("[data-code=S2R022]").count() == 1  # WIC for the 2-year-old
        assert "Proof of income" in text
        assert axe(page) == []
        shot(page, "results")
    assert posted and all("/screener/results" in u for u in posted)


def test_screener_in_spanish_on_a_phone(
    browser: Any, axe: Any, serve_app: Any, tmp_path: Path
) -> None:
    app = create_app(engine=make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="es-US")
    pg = context.new_page()
    try:
        with serve_app(app) as base:
            pg.goto(base + "/lang/es?next=/screener")
            assert "Vea para qué podría calificar" in pg.locator("h1").inner_text()
            pg.click("[data-testid=next]")
            pg.wait_for_selector("#age_0")
            pg.fill("#age_0", "70")
            pg.fill("#other_income", "900")
            pg.select_option("#other_type", "SSI")
            pg.click("[data-testid=see-results]")
            pg.wait_for_selector("[data-testid=eligible]")
            body = pg.locator("main").inner_text()
            assert "probablemente califica" in body.lower()
            assert "documentos que debe llevar" in body.lower()
            # nothing overflows the phone screen sideways
            assert pg.evaluate("document.documentElement.scrollWidth") <= 375
            assert axe(pg) == []
    finally:
        context.close()
