"""Eligibility screening: rules as code over effective-dated parameters, for the ACCESS NYC
program set, compatible with the NYC Benefits Screening API.

Public face (other capabilities import only these):
- `screen_request(body, as_of, lang)`: one NYC-API request body -> SUCCESS/FAILURE dict.
- `screen_frame(frame, as_of)`: the vectorized engine over a `HouseholdFrame` (1 or 1M households).
- `explain(frame_result, h, lang)`: plain-language `ProgramResult`s for one household.
- `default_store()`, `load_parameters()`, `ParameterNotInForce`: effective-dated parameters.
- `PROGRAMS`, `BY_CODE`: the program catalogue; `RULES`: the registered rules.
"""

from openhhs.screening.build import frame_from_items
from openhhs.screening.catalog import BY_CODE, PROGRAMS, Program
from openhhs.screening.engine import FrameResult, ProgramResult, explain, screen_frame
from openhhs.screening.household import Derived, HouseholdFrame
from openhhs.screening.params import ParameterNotInForce, default_store, load_parameters
from openhhs.screening.rules import RULES, Status
from openhhs.screening.schemas import RequestInvalid, parse_request
from openhhs.screening.service import screen_request

__all__ = [
    "BY_CODE",
    "PROGRAMS",
    "RULES",
    "Derived",
    "FrameResult",
    "HouseholdFrame",
    "ParameterNotInForce",
    "Program",
    "ProgramResult",
    "RequestInvalid",
    "Status",
    "default_store",
    "explain",
    "frame_from_items",
    "load_parameters",
    "parse_request",
    "screen_frame",
    "screen_request",
]
