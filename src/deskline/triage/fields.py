"""The ticket fields triage predicts, and how each maps to the ticket (pure, no ORM)."""

from __future__ import annotations

from typing import Final

#: field name -> the ticket's id attribute (also the `ticket_update` / event change key).
COLUMNS: Final[dict[str, str]] = {
    "category": "category_id",
    "type": "type_id",
    "team": "team_id",
    "priority": "priority_id",
}
NAMES: Final[tuple[str, ...]] = tuple(COLUMNS)


def column(field: str) -> str:
    try:
        return COLUMNS[field]
    except KeyError:
        raise ValueError(f"unknown triage field {field!r}; one of {', '.join(NAMES)}") from None
