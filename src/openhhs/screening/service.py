"""Screen NYC Benefits Screening API requests and answer in the API's response shape.

`screen_request` is what the API route, the CLI and the resident page call: validate, build the
frame, run the engine as of a date, answer `{"type": "SUCCESS", "eligiblePrograms": [...]}` with
an `openhhs` extension holding every program's status, reasons, estimated amount and the inputs
that would change it. Validation problems come back as `{"type": "FAILURE", "errors": [...]}`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openhhs.screening.build import frame_from_items
from openhhs.screening.catalog import PROGRAMS
from openhhs.screening.engine import FrameResult, ProgramResult, explain, screen_frame
from openhhs.screening.params import ParameterNotInForce
from openhhs.screening.rules._base import RULES
from openhhs.screening.schemas import RequestInvalid, parse_request

SHOWN = ("eligible", "likely")


def failure(errors: list[dict[str, str]]) -> dict[str, Any]:
    return {"type": "FAILURE", "errors": errors}


def response_for(fr: FrameResult, h: int, lang: str = "en") -> dict[str, Any]:
    results = explain(fr, h, lang)
    return success_body(results, fr.as_of, lang)


def success_body(results: list[ProgramResult], as_of: dt.date, lang: str) -> dict[str, Any]:
    eligible = [
        {"code": r.code, "name": r.name}
        for r in results
        if r.status in SHOWN and not RULES[r.key].extension
    ]
    extra = []
    for r in results:
        entry = r.as_dict()
        prog = PROGRAMS[r.key]
        entry["agency"] = prog.agency
        entry["howToApply"] = prog.url
        entry["documentsNeeded"] = prog.documents(lang)
        extra.append(entry)
    return {
        "type": "SUCCESS",
        "eligiblePrograms": eligible,
        "openhhs": {"asOf": as_of.isoformat(), "language": lang, "programs": extra},
    }


def screen_request(body: Any, as_of: dt.date | None = None, lang: str = "en") -> dict[str, Any]:
    """Validate and screen one NYC-API request body; never raises on bad input."""
    day = as_of or dt.date.today()
    try:
        items = parse_request(body)
        fr = screen_frame(frame_from_items(items), day)
    except RequestInvalid as exc:
        return failure(exc.errors)
    except ParameterNotInForce as exc:
        return failure(
            [{"message": exc.message, "code": "date.noParameters", "elementPath": "asOf"}]
        )
    return response_for(fr, 0, lang)
