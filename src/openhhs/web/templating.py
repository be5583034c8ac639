"""The Jinja2 environment shared by every capability's pages (base layout, i18n, static URLs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from openhhs.web.i18n import pick_language, translate

TEMPLATE_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")
LANG_COOKIE = "openhhs_lang"


def make_templates(extra_dirs: list[Path] | None = None) -> Jinja2Templates:
    """Templates from web/ plus any capability's own folder (e.g. workerconnect/templates)."""
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
    loaders = [FileSystemLoader(str(d)) for d in (extra_dirs or [])]
    templates.env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATE_DIR)), *loaders])
    templates.env.globals["translate"] = translate
    templates.env.filters["display_value"] = display_value
    templates.env.filters["display_name"] = display_value
    return templates


def display_value(value: Any) -> str:
    """A plain-text rendering of a JSON-ish value for pages (mappings as `key: value`)."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(
            f"{k}: {display_value(v)}" for k, v in value.items() if v not in (None, "")
        )
    if isinstance(value, list | tuple):
        return ", ".join(display_value(v) for v in value)
    return str(value)


def request_language(request: Request) -> str:
    return pick_language(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )


def page_context(request: Request, **values: Any) -> dict[str, Any]:
    """What every page template needs: language, a `t()` bound to it, the request id."""
    lang = request_language(request)

    def t(key: str, **params: object) -> str:
        return translate(key, lang, **params)

    return {
        "request": request,
        "lang": lang,
        "other_lang": "es" if lang == "en" else "en",
        "t": t,
        "request_id": getattr(request.state, "request_id", None),
        **values,
    }
