"""Validation of custom field values against their definitions: pure, no ORM."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_STRING = 500
MAX_TEXT = 20_000


@dataclass(frozen=True)
class FieldDefinition:
    code: str
    field_type: str
    required: bool = False
    choices: tuple[str, ...] = field(default_factory=tuple)


class CustomFieldErrors(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _clean_string(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    if len(value) > limit:
        raise ValueError(f"must be at most {limit} characters")
    return value


def _clean_number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueError("must be a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError("must be a number") from exc
    if not number.is_finite():
        raise ValueError("must be a finite number")
    return int(number) if number == number.to_integral_value() else float(number)


def _clean_date(value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise ValueError("must be a date like 2026-01-31") from exc


def _clean_datetime(value: Any) -> str:
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError("must be a date and time like 2026-01-31T09:30:00+03:00") from exc
    if parsed.tzinfo is None:
        raise ValueError("must include a time zone offset")
    return parsed.astimezone(dt.UTC).isoformat()


def _clean_checkbox(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _clean_select(value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(f"must be one of: {', '.join(choices)}")
    return str(value)


def _clean_multiselect(value: Any, choices: tuple[str, ...]) -> list[str]:
    if not isinstance(value, list):
        raise ValueError("must be a list")
    unknown = [v for v in value if v not in choices]
    if unknown:
        raise ValueError(f"unknown choices: {', '.join(map(str, unknown))}")
    return [c for c in choices if c in value]


def clean_value(definition: FieldDefinition, value: Any) -> Any:
    kind = definition.field_type
    if kind == "string":
        return _clean_string(value, MAX_STRING)
    if kind == "text":
        return _clean_string(value, MAX_TEXT)
    if kind == "number":
        return _clean_number(value)
    if kind == "date":
        return _clean_date(value)
    if kind == "datetime":
        return _clean_datetime(value)
    if kind == "checkbox":
        return _clean_checkbox(value)
    if kind == "select":
        return _clean_select(value, definition.choices)
    if kind == "multiselect":
        return _clean_multiselect(value, definition.choices)
    raise ValueError(f"unknown field type {kind}")


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def missing_required(
    values: Mapping[str, Any], definitions: Sequence[FieldDefinition]
) -> list[str]:
    """Codes of the required fields that `values` leaves empty."""
    return [d.code for d in definitions if d.required and _is_empty(values.get(d.code))]


def clean_custom_fields(
    values: Mapping[str, Any],
    definitions: Sequence[FieldDefinition],
    *,
    existing: Mapping[str, Any] | None = None,
    enforce_required: bool = True,
) -> dict[str, Any]:
    """Merge `values` into `existing`, validating each; None removes a value.

    Raises CustomFieldErrors naming every bad field (`custom_fields.<code>`). The ticket
    services pass `enforce_required=False`: a channel that cannot supply a field (mail, a
    phone event) must still create the ticket; required fields are enforced when an agent
    resolves or closes it (`missing_required`, the tickets' status guard).
    """
    by_code = {d.code: d for d in definitions}
    result = dict(existing or {})
    errors: dict[str, str] = {}
    for code, value in values.items():
        definition = by_code.get(code)
        if definition is None:
            errors[f"custom_fields.{code}"] = "is not enabled for this ticket type"
            continue
        if _is_empty(value):
            result.pop(code, None)
            continue
        try:
            result[code] = clean_value(definition, value)
        except ValueError as exc:
            errors[f"custom_fields.{code}"] = str(exc)
    for code in missing_required(result, definitions) if enforce_required else ():
        errors.setdefault(f"custom_fields.{code}", "is required")
    if errors:
        raise CustomFieldErrors(errors)
    return result
