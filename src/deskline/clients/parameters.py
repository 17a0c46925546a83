"""Equipment parameters: the typed attribute set an EquipmentKind defines (pure, no ORM).

A kind stores its definitions as a JSON list like
``[{"code": "power_kw", "name": "Power", "type": "number", "required": true}]``;
an item of that kind stores values keyed by code. This module checks both shapes and
normalises values (dates become ISO strings) so what is stored is always well-formed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

PARAMETER_TYPES = ("string", "number", "date", "boolean", "select")
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_STRING_LENGTH = 1000


class ParameterErrors(Exception):
    """Problems keyed by parameter code (values) or by `<index>.<key>` (definitions)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class ParameterDefinition:
    code: str
    name: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "type": self.type,
            "required": self.required,
        }
        if self.type == "select":
            data["choices"] = list(self.choices)
        return data


def _definition_errors(raw: object) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        return {"": "must be an object"}
    errors: dict[str, str] = {}
    code, name, kind = raw.get("code"), raw.get("name"), raw.get("type")
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        errors["code"] = "lowercase letters, digits and _, starting with a letter"
    if not isinstance(name, str) or not name.strip():
        errors["name"] = "must not be empty"
    if kind not in PARAMETER_TYPES:
        errors["type"] = f"one of {', '.join(PARAMETER_TYPES)}"
    if not isinstance(raw.get("required", False), bool):
        errors["required"] = "must be true or false"
    choices = raw.get("choices") or []
    if kind == "select":
        if not isinstance(choices, list) or not choices:
            errors["choices"] = "a select needs a non-empty list of choices"
        elif not all(isinstance(c, str) and c.strip() for c in choices):
            errors["choices"] = "choices must be non-empty strings"
        elif len(set(choices)) != len(choices):
            errors["choices"] = "choices must be unique"
    elif choices:
        errors["choices"] = "only a select has choices"
    unknown = set(raw) - {"code", "name", "type", "required", "choices"}
    if unknown:
        errors[sorted(unknown)[0]] = "unknown key"
    return errors


def parse_definitions(raw: object) -> list[ParameterDefinition]:
    """Check a kind's definition list; errors are keyed `<index>.<key>`."""
    if not isinstance(raw, list):
        raise ParameterErrors({"": "must be a list"})
    errors: dict[str, str] = {}
    seen: set[str] = set()
    parsed: list[ParameterDefinition] = []
    for index, item in enumerate(raw):
        problems = _definition_errors(item)
        errors.update({f"{index}.{k}".rstrip("."): v for k, v in problems.items()})
        if problems:
            continue
        if item["code"] in seen:
            errors[f"{index}.code"] = "duplicate code"
            continue
        seen.add(item["code"])
        parsed.append(
            ParameterDefinition(
                code=item["code"],
                name=item["name"].strip(),
                type=item["type"],
                required=item.get("required", False),
                choices=tuple(item.get("choices") or ()),
            )
        )
    if errors:
        raise ParameterErrors(errors)
    return parsed


def _clean_value(definition: ParameterDefinition, value: object) -> object:
    """The normalised value, or raise ValueError with the reason."""
    kind = definition.type
    if kind == "string":
        if not isinstance(value, str):
            raise ValueError("must be a string")
        if len(value) > MAX_STRING_LENGTH:
            raise ValueError(f"at most {MAX_STRING_LENGTH} characters")
        return value
    if kind == "number":
        # bool is an int subclass in Python, but true is not a number.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("must be a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value
    if kind == "date":
        if not isinstance(value, str):
            raise ValueError("must be a date as YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueError("must be a date as YYYY-MM-DD") from None
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if value not in definition.choices:
        raise ValueError(f"one of {', '.join(definition.choices)}")
    return value


def clean_parameters(
    values: Mapping[str, object], definitions: Sequence[ParameterDefinition]
) -> dict[str, object]:
    """Check `values` against `definitions`; return them normalised or raise ParameterErrors.

    A null value means "not set": it is dropped, unless the parameter is required.
    """
    by_code = {d.code: d for d in definitions}
    errors = {code: "unknown parameter" for code in values if code not in by_code}
    cleaned: dict[str, object] = {}
    for code, definition in by_code.items():
        value = values.get(code)
        if value is None or (isinstance(value, str) and not value.strip()):
            if definition.required:
                errors[code] = "required"
            continue
        try:
            cleaned[code] = _clean_value(definition, value)
        except ValueError as exc:
            errors[code] = str(exc)
    if errors:
        raise ParameterErrors(errors)
    return cleaned
