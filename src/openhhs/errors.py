"""Domain errors carry their HTTP status and a stable code; each surface maps them once.

Services raise these without knowing about HTTP; the API renders them as JSON under /api and the
portal renders a page or an htmx partial. The CLI prints the message and exits non-zero.
"""

from __future__ import annotations

from typing import Any


class OpenHHSError(Exception):
    status: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(OpenHHSError):
    status = 422
    code = "invalid_input"


class NotAuthenticated(OpenHHSError):
    status = 401
    code = "not_authenticated"


class Forbidden(OpenHHSError):
    status = 403
    code = "forbidden"


class NotFound(OpenHHSError):
    status = 404
    code = "not_found"


class Conflict(OpenHHSError):
    status = 409
    code = "conflict"


class PayloadTooLarge(OpenHHSError):
    status = 413
    code = "payload_too_large"
