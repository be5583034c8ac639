"""The application factory: one FastAPI app for the REST API (/api/v1) and the portal pages."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

import openhhs
from openhhs.config import Settings
from openhhs.db.engine import make_engine
from openhhs.web.errors import install_error_handlers
from openhhs.web.middleware import (
    DEFAULT_MAX_BODY_BYTES,
    BodySizeLimitMiddleware,
    RequestIdMiddleware,
    SecurityHeadersMiddleware,
)
from openhhs.web.templating import LANG_COOKIE, STATIC_DIR, make_templates, page_context

API_PREFIX = "/api/v1"
log = logging.getLogger("openhhs.web")

# Routers other capabilities expose; each module has `router` (API, mounted under /api/v1)
# and/or `pages` (portal pages, mounted at the root). Listed once, here.
API_MODULES: tuple[str, ...] = (
    "openhhs.access.api",
    "openhhs.cci.api",
    "openhhs.audit.api",
    "openhhs.screening.api",
    "openhhs.workerconnect.api",
)
PAGE_MODULES: tuple[str, ...] = (
    "openhhs.access.pages",
    "openhhs.screening.pages",
    "openhhs.workerconnect.pages",
)
TEMPLATE_PACKAGES: tuple[str, ...] = (
    "openhhs.access",
    "openhhs.screening",
    "openhhs.workerconnect",
)


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    max_body_bytes: int | None = None,
) -> FastAPI:
    """Build the app. Pass `engine` in tests; otherwise it is made from OPENHHS_DATABASE_URL."""
    settings = settings or Settings.from_env()
    app = FastAPI(
        lifespan=_lifespan,
        title="OpenHHS",
        version=openhhs.__version__,
        description=(
            "Integrated health and human services data: agency push, Common Client Index "
            "matching, Worker Connect person search and snapshot, all filtered by data-sharing "
            'agreements and audited. Errors: `{"error": {code, message, request_id, details}}`.'
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine or _server_engine(settings.database_url)
    app.state.templates = make_templates(_template_dirs())

    install_error_handlers(app)
    limit = max_body_bytes or int(os.environ.get("OPENHHS_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES))
    # Starlette wraps in reverse order: the request id is outermost, so every answer carries it.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=limit)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestIdMiddleware)

    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(_core_api(), prefix=API_PREFIX)
    app.include_router(_core_pages())
    for module in _present(API_MODULES):
        router = getattr(importlib.import_module(module), "router", None)
        if isinstance(router, APIRouter):
            app.include_router(router, prefix=API_PREFIX)
    for module in _present(PAGE_MODULES):
        pages = getattr(importlib.import_module(module), "pages", None)
        if isinstance(pages, APIRouter):
            app.include_router(pages)
    return app


# Sync routes a worker process runs at once. anyio's default (40) let every request of 20
# concurrent clients in: they fought over the GIL, and the one holding the audit chain's write
# lock waited its turn while the others slept on it. With 4, on the 2-core bench (100k people,
# 20 clients, SQLite): server CPU per snapshot ~13-16 -> ~11-15 ms, p95 ~540-680 -> ~410-460 ms
# (noisy: a shared machine). Queries waiting on PostgreSQL still overlap.
DEFAULT_THREADS = 4
# SQLite works inside the server process: a second thread only adds GIL hand-offs and one more
# writer queued on the audit chain. One route at a time per worker, same bench after the
# dependencies went async: snapshot 167 -> 168 req/s, p95 183 -> 165 ms; search 111 -> 139
# req/s, p95 301 -> 218 ms (10 s runs).
SQLITE_THREADS = 1


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Size the thread pool that runs the sync routes (`OPENHHS_THREADS`; default 4, 1 on SQLite).

    Every sync route runs on it, so it bounds the requests a worker process works on at once;
    the others wait, parsed, on the event loop.
    """
    import anyio.to_thread

    engine: Engine = app.state.engine
    default = SQLITE_THREADS if engine.dialect.name == "sqlite" else DEFAULT_THREADS
    tokens = int(os.environ.get("OPENHHS_THREADS", default))
    anyio.to_thread.current_default_thread_limiter().total_tokens = max(1, tokens)
    yield


def _server_engine(url: str) -> Engine:
    """The engine a served app uses: a pool sized for concurrent requests.

    (SQLite's BEGIN IMMEDIATE was tried against "database is locked" under load and deadlocked:
    the async `current_principal` dependency would wait for the write lock on the event loop
    while the lock holder needed the loop to finish. Person views, pushes and review writes
    retry instead, see `openhhs.workerconnect.retry.retry_when_locked`, and audit writers queue
    on a file lock first, `openhhs.db.sqlite_writer`.)
    """
    if ":memory:" in url:
        return make_engine(url)
    return make_engine(url, pool_size=20, max_overflow=20, pool_timeout=60)


def _present(modules: tuple[str, ...]) -> list[str]:
    """Modules that exist in this checkout (capabilities land independently)."""
    found = []
    for name in modules:
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            found.append(name)
    return found


def _template_dirs() -> list[Path]:
    dirs = []
    for package in _present(TEMPLATE_PACKAGES):
        spec = importlib.util.find_spec(package)
        if spec and spec.submodule_search_locations:
            folder = Path(next(iter(spec.submodule_search_locations))) / "templates"
            if folder.is_dir():
                dirs.append(folder)
    return dirs


def _core_api() -> APIRouter:
    router = APIRouter(tags=["meta"])

    @router.get("/health", summary="Liveness: the app answers and reaches its database")
    def health(request: Request) -> dict[str, str]:
        from sqlalchemy import text

        with request.app.state.engine.connect() as conn:
            conn.execute(text("select 1"))
        return {"status": "ok"}

    return router


def _core_pages() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse, name="web.home")
    def home(request: Request) -> Response:
        templates = request.app.state.templates
        return templates.TemplateResponse(request, "home.html", page_context(request))

    @router.get("/docs", response_class=HTMLResponse, name="web.docs")
    def docs(request: Request) -> Response:
        templates = request.app.state.templates
        return templates.TemplateResponse(request, "docs.html", {"request": request})

    @router.get("/lang/{code}", name="web.language")
    def language(code: str, request: Request) -> Response:
        """Switch the page language (kept in a cookie) and go back where the user was."""
        target = request.query_params.get("next", "/")
        if not target.startswith("/") or target.startswith("//"):
            target = "/"  # never redirect off-site
        response = RedirectResponse(target, status_code=303)
        if code in ("en", "es"):
            response.set_cookie(LANG_COOKIE, code, max_age=31536000, samesite="lax", httponly=True)
        return response

    return router


def iter_routes(app: FastAPI) -> list[tuple[frozenset[str], str, object]]:
    """Every (methods, full path, endpoint) the app serves, flattening included routers.

    FastAPI keeps included routers as lazy `_IncludedRouter` entries; the route test and the
    docs need the effective list.
    """
    out: list[tuple[frozenset[str], str, object]] = []

    def walk(routes: list[object]) -> None:
        for route in routes:
            contexts = getattr(route, "effective_route_contexts", None)
            if contexts is not None:
                for ctx in contexts():
                    original = ctx.original_route
                    methods = frozenset(getattr(original, "methods", None) or ())
                    out.append(
                        (methods, ctx.path, ctx.endpoint or getattr(original, "endpoint", None))
                    )
                continue
            path = getattr(route, "path", None)
            if path is not None:
                methods = frozenset(getattr(route, "methods", None) or ())
                out.append((methods, path, getattr(route, "endpoint", None)))

    walk(list(app.routes))
    return out
