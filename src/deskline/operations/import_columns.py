"""What each importable kind's file holds: its columns, how each is read, where it goes (pure).

A file is a table with a header row; `external_id` (the old system's id) is required in every
kind: it makes an import idempotent (a row already imported is skipped) and lets later files
refer to earlier ones (a contact's `company` is the company's external id). Reading a row gives
the values for the service call, and a reason per column that could not be read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

Reader = Callable[[str], Any]


class CellError(ValueError):
    """A cell that cannot be read; the message is the reason shown to the user."""


def text(value: str) -> str:
    return value.strip()


def boolean(value: str) -> bool:
    word = value.strip().lower()
    if word in ("1", "true", "yes", "y", "да"):
        return True
    if word in ("0", "false", "no", "n", "нет", ""):
        return False
    raise CellError("expected yes/no, true/false or 1/0")


def decimal(value: str) -> Decimal | None:
    if not value.strip():
        return None
    try:
        return Decimal(value.strip().replace(",", "."))
    except InvalidOperation as exc:
        raise CellError("not a number") from exc


def date(value: str) -> dt.date | None:
    raw = value.strip()
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise CellError("not a date (YYYY-MM-DD or DD.MM.YYYY)")


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    read: Reader = text
    #: Another kind this column names by its external id ("companies"), or a lookup ("priority").
    refers_to: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


EXTERNAL_ID = Column("external_id", required=True)
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("companies", (EXTERNAL_ID, Column("name", True), Column("tax_id"),
                           Column("category", refers_to="company_category"),
                           Column("email_domains"), Column("notes"))),
        Kind("contacts", (EXTERNAL_ID, Column("name", True),
                          Column("company", refers_to="companies"), Column("email"),
                          Column("phone"), Column("position"), Column("language"),
                          Column("sees_company_tickets", read=boolean))),
        Kind("sites", (EXTERNAL_ID, Column("company", True, refers_to="companies"),
                       Column("name", True), Column("address"), Column("latitude", read=decimal),
                       Column("longitude", read=decimal), Column("time_zone"))),
        Kind("equipment", (EXTERNAL_ID, Column("company", True, refers_to="companies"),
                           Column("kind", True, refers_to="equipment_kind"),
                           Column("site", refers_to="sites"), Column("serial_number"),
                           Column("inventory_number"), Column("warranty_until", read=date))),
        Kind("tickets", (EXTERNAL_ID, Column("title", True), Column("description"),
                         Column("company", refers_to="companies"),
                         Column("contact", refers_to="contacts"),
                         Column("site", refers_to="sites"),
                         Column("equipment", refers_to="equipment"),
                         Column("type", refers_to="ticket_type"),
                         Column("priority", refers_to="priority"))),
        Kind("comments", (EXTERNAL_ID, Column("ticket", True, refers_to="tickets"),
                          Column("body", True), Column("public", read=boolean))),
    )
}  # fmt: skip


@dataclass
class ReadRow:
    values: dict[str, Any]
    errors: dict[str, str]


def header_errors(kind: Kind, header: list[str]) -> list[str]:
    """Problems with the header row: required columns missing, unknown columns."""
    problems = [
        f"missing column {c.name!r}" for c in kind.columns if c.required and c.name not in header
    ]
    known = {c.name for c in kind.columns}
    problems += [f"unknown column {name!r}" for name in header if name and name not in known]
    return problems


def row_read(kind: Kind, row: Mapping[str, str]) -> ReadRow:
    """The typed values of a row (references still as the file names them) and its problems."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for column in kind.columns:
        raw = str(row.get(column.name) or "")
        if column.required and not raw.strip():
            errors[column.name] = "required"
            continue
        try:
            values[column.name] = column.read(raw)
        except CellError as exc:
            errors[column.name] = str(exc)
    return ReadRow(values, errors)
