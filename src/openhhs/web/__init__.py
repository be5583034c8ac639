"""The web surface: app factory, error envelope, middleware, templates, static assets, i18n."""

from openhhs.web.app import API_PREFIX, create_app
from openhhs.web.context import current_request_id
from openhhs.web.deps import EngineDep, SessionDep, get_engine, get_session
from openhhs.web.errors import render_error
from openhhs.web.i18n import translate
from openhhs.web.templating import page_context

__all__ = [
    "API_PREFIX",
    "EngineDep",
    "SessionDep",
    "create_app",
    "current_request_id",
    "get_engine",
    "get_session",
    "page_context",
    "render_error",
    "translate",
]
