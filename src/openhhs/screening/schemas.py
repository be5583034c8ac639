"""The NYC Benefits Screening API request, as pydantic models, with the API's validation rules.

Field names, enums and limits follow `CityOfNewYork/screeningapi-docs` (`endpoints.yml`): a body
that is an array with one object holding one `household` and 1-8 `person`s, exactly one of them
`HeadOfHousehold`. Errors come back in the API's shape, `{message, code, elementPath}`, with
Joi-style codes (`any.required`, `number.min`, `any.only`...).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from openhhs.model.codes import (
    ExpenseType,
    Frequency,
    HouseholdRelationship,
    IncomeType,
    RentalType,
)

MAX_AMOUNT = Decimal("9999999.99")
Amount = Field(ge=0, le=MAX_AMOUNT, decimal_places=2)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class IncomeIn(_Model):
    amount: Decimal = Amount
    type: IncomeType
    frequency: Frequency


class ExpenseIn(_Model):
    amount: Decimal = Amount
    type: ExpenseType
    frequency: Frequency


class PersonIn(_Model):
    age: int = Field(ge=0, le=150)
    householdMemberType: HouseholdRelationship | None = None
    student: bool | None = None
    studentFulltime: bool | None = None
    pregnant: bool | None = None
    unemployed: bool | None = None
    unemployedWorkedLast18Months: bool | None = None
    blind: bool | None = None
    disabled: bool | None = None
    veteran: bool | None = None
    benefitsMedicaid: bool | None = None
    benefitsMedicaidDisability: bool | None = None
    livingOwnerOnDeed: bool | None = None
    livingRentalOnLease: bool | None = None
    incomes: list[IncomeIn] = Field(default_factory=list, max_length=50)
    expenses: list[ExpenseIn] = Field(default_factory=list, max_length=50)


class HouseholdIn(_Model):
    cashOnHand: Decimal = Field(default=Decimal(0), ge=0, le=MAX_AMOUNT, decimal_places=2)
    livingRenting: bool | None = None
    livingRentalType: RentalType | Literal[""] | None = None
    livingOwner: bool | None = None
    livingStayingWithFriend: bool | None = None
    livingHotel: bool | None = None
    livingShelter: bool | None = None
    livingPreferNotToSay: bool | None = None
    caseId: str | None = Field(default=None, max_length=64, pattern=r"^[a-zA-Z0-9/.-]*$")
    zip: str | None = Field(default=None, pattern=r"^\d{5}$")
    city: str | None = Field(default=None, max_length=40)
    members: int | None = Field(default=None, ge=1, le=8)  # legacy Drools payloads send it
    expenses: list[ExpenseIn] = Field(default_factory=list, max_length=50)


class ScreeningItem(_Model):
    household: list[HouseholdIn] = Field(min_length=1, max_length=1)
    person: list[PersonIn] = Field(min_length=1, max_length=8)
    withholdPayload: bool | None = None


_REQUEST = TypeAdapter(list[ScreeningItem])

JOI_CODES = {
    "missing": "any.required",
    "greater_than_equal": "number.min",
    "less_than_equal": "number.max",
    "decimal_max_places": "number.precision",
    "enum": "any.only",
    "literal_error": "any.only",
    "too_short": "array.min",
    "too_long": "array.max",
    "int_type": "number.base",
    "int_parsing": "number.base",
    "int_from_float": "number.integer",
    "decimal_type": "number.base",
    "decimal_parsing": "number.base",
    "bool_type": "boolean.base",
    "bool_parsing": "boolean.base",
    "string_type": "string.base",
    "string_pattern_mismatch": "string.pattern.base",
    "string_too_long": "string.max",
    "extra_forbidden": "object.unknown",
    "list_type": "array.base",
    "model_type": "object.base",
    "model_attributes_type": "object.base",
    "dict_type": "object.base",
    "finite_number": "number.base",
    "json_invalid": "object.base",
}


class RequestInvalid(Exception):
    """The request failed validation; `errors` are in the NYC API's FAILURE shape."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            # union members appear in the location; they are not part of the document path
            if part in ("literal['']", "function-after[...]") or "[" in str(part):
                continue
            out += f".{part}" if out else str(part)
    return out


def _error(message: str, code: str, path: str) -> dict[str, str]:
    return {"message": message, "code": code, "elementPath": path}


def business_rules(items: list[ScreeningItem]) -> list[dict[str, str]]:
    """The cross-field rules of the screening API."""
    errors: list[dict[str, str]] = []
    if len(items) != 1:
        errors.append(
            _error("The request must hold exactly one screening object.", "array.length", "")
        )
    for i, item in enumerate(items):
        heads = [
            j
            for j, p in enumerate(item.person)
            if p.householdMemberType == HouseholdRelationship.HEAD
        ]
        if len(heads) != 1:
            errors.append(
                _error(
                    "Exactly one person must have householdMemberType HeadOfHousehold; "
                    f"found {len(heads)}.",
                    "array.includesOne",
                    f"[{i}].person",
                )
            )
        for j, p in enumerate(item.person):
            if p.householdMemberType is None:
                errors.append(
                    _error(
                        "householdMemberType is required.",
                        "any.required",
                        f"[{i}].person[{j}].householdMemberType",
                    )
                )
        for h, hh in enumerate(item.household):
            base = f"[{i}].household[{h}]"
            if hh.livingRentalType not in (None, "") and not hh.livingRenting:
                errors.append(
                    _error(
                        "livingRentalType is allowed only when livingRenting is true.",
                        "any.unknown",
                        f"{base}.livingRentalType",
                    )
                )
            others = [
                hh.livingRenting,
                hh.livingOwner,
                hh.livingStayingWithFriend,
                hh.livingHotel,
                hh.livingShelter,
            ]
            if hh.livingPreferNotToSay and any(others):
                errors.append(
                    _error(
                        "livingPreferNotToSay excludes the other living flags.",
                        "object.oxor",
                        f"{base}.livingPreferNotToSay",
                    )
                )
            if hh.members is not None and hh.members != len(item.person):
                errors.append(
                    _error(
                        "members must equal the number of persons.",
                        "any.invalid",
                        f"{base}.members",
                    )
                )
            for j, p in enumerate(item.person):
                if p.livingRentalOnLease and not hh.livingRenting:
                    errors.append(
                        _error(
                            "livingRentalOnLease requires livingRenting.",
                            "any.unknown",
                            f"[{i}].person[{j}].livingRentalOnLease",
                        )
                    )
                if p.livingOwnerOnDeed and not hh.livingOwner:
                    errors.append(
                        _error(
                            "livingOwnerOnDeed requires livingOwner.",
                            "any.unknown",
                            f"[{i}].person[{j}].livingOwnerOnDeed",
                        )
                    )
    return errors


def parse_request(body: Any) -> list[ScreeningItem]:
    """Validate a decoded JSON body; raise `RequestInvalid` with every problem found."""
    try:
        items = _REQUEST.validate_python(body)
    except ValidationError as exc:
        errors = [
            _error(e["msg"], JOI_CODES.get(e["type"], "any.invalid"), _path(tuple(e["loc"])))
            for e in exc.errors(include_url=False)
        ]
        raise RequestInvalid(errors) from None
    problems = business_rules(items)
    if problems:
        raise RequestInvalid(problems)
    return items
