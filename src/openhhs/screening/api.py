"""REST routes compatible with the NYC Benefits Screening API (mounted under /api/v1).

`POST /screening/eligibilityPrograms` takes the API's request body and answers in its shape;
validation failures are `400 {"type":"FAILURE","errors":[...]}`, never a 500. `asOf` (query,
ISO date) screens with the parameters in force on that date; `lang` picks en/es reasons.
Screening is anonymous: nothing in the request is stored or logged.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from openhhs.screening.bulk import screen_csv
from openhhs.screening.catalog import PROGRAMS
from openhhs.screening.service import failure, screen_request

router = APIRouter(prefix="/screening", tags=["screening"])
MAX_CSV_BYTES = 5_000_000


def _error(message: str, code: str, path: str = "") -> dict[str, str]:
    return {"message": message, "code": code, "elementPath": path}


def _as_of(value: str | None) -> dt.date | dict[str, Any]:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return failure([_error(f"asOf must be an ISO date, got {value!r}.", "date.base", "asOf")])


@router.post(
    "/eligibilityPrograms",
    summary="Screen one household (NYC Benefits Screening API compatible)",
    responses={400: {"description": "FAILURE with validation errors"}},
)
async def eligibility_programs(
    request: Request,
    as_of: str | None = Query(None, alias="asOf", description="Screen as of this date (ISO)."),
    lang: str = Query("en", pattern="^(en|es)$", description="Language of the reasons."),
) -> JSONResponse:
    ctype = request.headers.get("content-type", "")
    if "json" not in ctype:
        body = failure([_error("Content-Type must be application/json.", "unsupportedContentType")])
        return JSONResponse(body, status_code=415)
    day = _as_of(as_of)
    if isinstance(day, dict):
        return JSONResponse(day, status_code=400)
    try:
        payload = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        return JSONResponse(failure([_error("Body is not valid JSON.", "object.base")]), 400)
    result = screen_request(payload, day, lang)
    return JSONResponse(result, status_code=200 if result["type"] == "SUCCESS" else 400)


@router.post(
    "/bulkSubmission/import",
    summary="Screen a bulk CSV (one household per row); answers text/csv",
    response_class=PlainTextResponse,
)
async def bulk_import(
    file: UploadFile,
    as_of: str | None = Query(None, alias="asOf"),
) -> Response:
    day = _as_of(as_of)
    if isinstance(day, dict):
        return JSONResponse(day, status_code=400)
    raw = await file.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        return JSONResponse(failure([_error("CSV too large.", "file.max", "file")]), 413)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return JSONResponse(failure([_error("CSV must be UTF-8.", "file.encoding", "file")]), 400)
    return PlainTextResponse(screen_csv(text, day), media_type="text/csv")


@router.get("/programs", summary="The program catalogue (codes, names, agencies, where to apply)")
def programs(lang: str = Query("en", pattern="^(en|es)$")) -> list[dict[str, Any]]:
    return [
        {
            "code": p.code,
            "key": p.key,
            "name": p.name(lang),
            "agency": p.agency,
            "howToApply": p.url,
            "documentsNeeded": p.documents(lang),
        }
        for p in PROGRAMS.values()
    ]
