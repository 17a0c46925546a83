"""Sorting and keyset cursors for ticket lists: pure functions, no ORM."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass

#: API sort names mapped to the ticket column they order by.
SORT_COLUMNS = {
    "created": "created_at",
    "updated": "updated_at",
    "priority": "priority_weight",
    "number": "number",
}
DATETIME_COLUMNS = frozenset({"created_at", "updated_at"})


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Sort:
    column: str
    descending: bool

    @property
    def order_by(self) -> tuple[str, str]:
        sign = "-" if self.descending else ""
        return (f"{sign}{self.column}", f"{sign}id")


def parse_sort(text: str) -> Sort:
    """`updated`, `-updated`, `priority`, ... ; raise ValueError for an unknown name."""
    descending = text.startswith("-")
    name = text.lstrip("-")
    if name not in SORT_COLUMNS:
        raise ValueError(
            f"sort must be one of {', '.join(sorted(SORT_COLUMNS))}, optionally with -"
        )
    return Sort(SORT_COLUMNS[name], descending)


def encode_cursor(sort: Sort, value: object, row_id: int) -> str:
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    raw = json.dumps([sort.column, value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(sort: Sort, cursor: str) -> tuple[object, int]:
    """The (sort value, id) the cursor points after; BadCursor if it is foreign or corrupt."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        column, value, row_id = json.loads(raw)
    except (ValueError, binascii.Error, TypeError) as exc:
        raise BadCursor("the cursor is not valid") from exc
    if column != sort.column or not isinstance(row_id, int):
        raise BadCursor("the cursor belongs to another sort order")
    if column in DATETIME_COLUMNS:
        try:
            value = dt.datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise BadCursor("the cursor is not valid") from exc
    elif not isinstance(value, int):
        raise BadCursor("the cursor is not valid")
    return value, row_id
