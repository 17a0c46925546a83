"""Custom fields on the desk's ticket forms: the inputs a ticket type shows, and what a posted
form means for them. No ORM here: the fields come from `tickets.selectors`.

Every input is named `cf_<code>`; a hidden `cf_shown` lists the codes the form showed, so a
field the form did not show (another type's) is never cleared by a save.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

PREFIX = "cf_"
SHOWN = "cf_shown"


class FieldRow(Protocol):
    code: str
    name: str
    field_type: str
    choices: Any
    required: bool


class FormData(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def getlist(self, key: str) -> list[str]: ...
    def __contains__(self, key: object) -> bool: ...


@dataclass(frozen=True)
class CustomInput:
    """One input as the template draws it."""

    code: str
    name: str
    field_type: str
    required: bool
    choices: tuple[str, ...]
    #: The value as the input holds it: text for most, a list for multiselect, bool for checkbox.
    value: Any

    @property
    def input_name(self) -> str:
        return PREFIX + self.code


def _local_input(stored: str, tz: dt.tzinfo) -> str:
    """A stored moment (ISO 8601 with offset) as a datetime-local input shows it in `tz`."""
    try:
        moment = dt.datetime.fromisoformat(stored)
    except ValueError:
        return stored
    if moment.tzinfo is None:
        return stored
    return moment.astimezone(tz).strftime("%Y-%m-%dT%H:%M")


def _aware(typed: str, tz: dt.tzinfo) -> str:
    """A datetime-local input's text (no offset) as a moment in the viewer's time zone."""
    try:
        moment = dt.datetime.fromisoformat(typed)
    except ValueError:
        return typed  # the ticket services name the field and the expected form
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.isoformat()


def custom_inputs(
    rows: Sequence[FieldRow], values: Mapping[str, Any], tz: dt.tzinfo = dt.UTC
) -> list[CustomInput]:
    """The inputs for `rows`, filled with `values` (a ticket's custom fields or a posted form)."""
    inputs = []
    for row in rows:
        value = values.get(row.code)
        if row.field_type == "multiselect":
            value = [str(v) for v in value] if isinstance(value, list) else []
        elif row.field_type == "checkbox":
            value = bool(value)
        elif row.field_type == "datetime" and isinstance(value, str) and value:
            value = _local_input(value, tz)
        else:
            value = "" if value is None else str(value)
        choices = tuple(str(c) for c in row.choices or ())
        inputs.append(CustomInput(row.code, row.name, row.field_type, row.required, choices, value))
    return inputs


def custom_values_from_form(
    data: FormData, rows: Sequence[FieldRow], tz: dt.tzinfo = dt.UTC
) -> dict[str, Any]:
    """The values a posted form gives the fields it showed; an emptied input clears its value
    (None), so the ticket services remove it. A number may use a decimal comma; a date and
    time without an offset is in the viewer's time zone `tz`."""
    shown = set(str(data.get(SHOWN, "")).split(","))
    values: dict[str, Any] = {}
    for row in rows:
        if row.code not in shown:
            continue
        name = PREFIX + row.code
        if row.field_type == "multiselect":
            values[row.code] = [v for v in data.getlist(name) if v] or None
        elif row.field_type == "checkbox":
            values[row.code] = name in data
        else:
            raw = str(data.get(name, "")).strip()
            if raw and row.field_type == "number":
                raw = raw.replace(" ", "").replace("\u00a0", "").replace(",", ".")
            elif raw and row.field_type == "datetime":
                raw = _aware(raw, tz)
            values[row.code] = raw or None
    return values


def posted_values(data: FormData, rows: Sequence[FieldRow]) -> dict[str, Any]:
    """What the inputs showed when the form comes back with an error: the posted text as typed."""
    values: dict[str, Any] = {}
    for row in rows:
        name = PREFIX + row.code
        if row.field_type == "multiselect":
            values[row.code] = data.getlist(name)
        elif row.field_type == "checkbox":
            values[row.code] = name in data
        else:
            values[row.code] = data.get(name, "")
    return values
