"""Map `openhhs.errors` (and framework errors) once: JSON under /api, an HTML page elsewhere.

Envelope: `{"error": {"code", "message", "request_id", "details"}}`. Validation details name the
field and the problem but never echo the submitted value (it may be personal data).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from openhhs.errors import OpenHHSError
from openhhs.web.templating import page_context

log = logging.getLogger("openhhs.web")

_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
}


def error_body(
    request: Request, status: int, code: str, message: str, details: Any = None
) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "request_id": getattr(request.state, "request_id", None),
            "details": details,
        }
    }


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path in ("/api", "/openapi.json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def render_error(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    if wants_json(request):
        return JSONResponse(
            error_body(request, status, code, message, details),
            status_code=status,
            headers=dict(headers or {}),
        )
    if status == 401 and request.method == "GET" and not request.headers.get("hx-request"):
        # a page that needs a signed-in user sends the browser to sign in, then back here
        return RedirectResponse("/wc/signin?" + urlencode({"next": request.url.path}), 303)
    templates = getattr(request.app.state, "templates", None)
    if templates is None:  # pragma: no cover - app factory always sets it
        return HTMLResponse(message, status_code=status, headers=dict(headers or {}))
    # htmx swaps a fragment; a full page for ordinary navigation
    name = "includes/error_alert.html" if request.headers.get("hx-request") else "error.html"
    ctx = page_context(request, status=status, code=code, message=message)
    return templates.TemplateResponse(
        request, name, ctx, status_code=status, headers=dict(headers or {})
    )


def _validation_details(exc: RequestValidationError) -> tuple[int, str, str, list[dict[str, Any]]]:
    errors = exc.errors()
    details = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "type": str(e.get("type", "")),
            "msg": str(e.get("msg", "")),
        }
        for e in errors
    ]
    if any(e.get("type") == "json_invalid" for e in errors):
        return 400, "malformed_json", "The request body is not valid JSON.", details
    return 422, "invalid_input", "The request is not valid.", details


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(OpenHHSError)
    async def _domain(request: Request, exc: OpenHHSError) -> Response:
        return render_error(request, exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        status, code, message, details = _validation_details(exc)
        return render_error(request, status, code, message, details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return render_error(request, exc.status_code, code, message, None, exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error (request %s)", getattr(request.state, "request_id", None))
        return render_error(
            request, 500, "internal_error", "An unexpected error occurred; it has been logged."
        )
