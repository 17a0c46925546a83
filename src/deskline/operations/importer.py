"""Importing companies, contacts, sites, equipment, tickets and comments from CSV or XLSX.

Every row goes through the same service a person's change goes through (validation, events,
routing and SLA for tickets), acting as the "Import" system user, each in its own savepoint: a
bad row is reported (line, column, reason) and the others go on. A row whose external id was
imported before from the same source is skipped, so running a file twice changes nothing and an
interrupted import resumes where it stopped. A dry run does all of it and rolls every row back.
"""

from __future__ import annotations

import csv
import itertools
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from deskline.accounts.models import User
from deskline.accounts.system import system_user
from deskline.clients.models import (
    CompanyCategory,
    EquipmentKind,
)
from deskline.clients.services import company_create, contact_create, equipment_create, site_create
from deskline.core.errors import DomainError, ValidationFailed
from deskline.operations.import_columns import KINDS, Kind, header_errors, row_read
from deskline.operations.models import ImportedRecord
from deskline.tickets.models import Priority, Ticket, TicketType
from deskline.tickets.services import comment_add, ticket_create

BATCH = 500
LOOKUPS: dict[str, tuple[type[Any], str]] = {
    "company_category": (CompanyCategory, "code"), "equipment_kind": (EquipmentKind, "code"),
    "ticket_type": (TicketType, "code"), "priority": (Priority, "code"),
}  # fmt: skip


class ImportFileError(Exception):
    """The file cannot be read as a table of this kind (format, header)."""


@dataclass
class Problem:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}"


@dataclass
class ImportReport:
    created: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def failed_rows(self) -> int:
        return len({p.line for p in self.problems})


def table_read(path: Path) -> Iterator[dict[str, str]]:
    """The file's rows as {column: text}, read one at a time as they are consumed (a file of a
    million rows takes the memory of one); CSV (UTF-8, with or without BOM) or XLSX."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _unreadable_as(path, _xlsx_rows(path))
    if suffix in (".csv", ".txt"):
        return _unreadable_as(path, _csv_rows(path))
    raise ImportFileError(f"{path.name}: use a .csv or .xlsx file")


def _as_dicts(rows: Iterator[Sequence[Any]]) -> Iterator[dict[str, str]]:
    header = [str(h or "").strip() for h in next(rows, ())]
    for row in rows:
        if all(cell is None for cell in row):  # a blank line of a CSV, an empty sheet row
            continue
        yield {
            name: "" if cell is None else str(cell) for name, cell in zip(header, row, strict=False)
        }


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        yield from _as_dicts(csv.reader(file))


def _xlsx_rows(path: Path) -> Iterator[dict[str, str]]:
    import openpyxl  # only an XLSX import needs it

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.active
        if sheet is None:
            return
        yield from _as_dicts(sheet.iter_rows(values_only=True))
    finally:
        book.close()


def _unreadable_as(path: Path, rows: Iterator[dict[str, str]]) -> Iterator[dict[str, str]]:
    """`rows`, with a read failure anywhere in the file reported as an ImportFileError."""
    try:
        yield from rows
    except (UnicodeDecodeError, ValueError, KeyError, zipfile.BadZipFile, csv.Error) as exc:
        raise ImportFileError(f"{path.name}: cannot read it as a table: {exc}") from exc


class _Resolver:
    """Turns the file's references (external ids, codes) into row ids."""

    def __init__(self, source: str) -> None:
        self.source = source

    def resolve(self, refers_to: str, value: str) -> int | None:
        if not value:
            return None
        if refers_to in LOOKUPS:
            model, key = LOOKUPS[refers_to]
            found = model.objects.filter(**{key: value}).values_list("pk", flat=True).first()
            if found is None:
                raise ValidationFailed(
                    "unknown", fields={"": f"no {refers_to} with code {value!r}"}
                )
            return int(found)
        found = (
            ImportedRecord.objects.filter(source=self.source, kind=refers_to, external_id=value)
            .values_list("object_id", flat=True)
            .first()
        )
        if found is None:
            raise ValidationFailed("unknown", fields={"": f"no imported {refers_to} {value!r}"})
        return int(found)


def _create(
    kind: str, values: Mapping[str, Any], ids: Mapping[str, int | None], actor: User
) -> int:
    if kind == "companies":
        return company_create(actor=actor, name=values["name"], tax_id=values["tax_id"],
                              category_id=ids.get("category"), email_domains=values["email_domains"],
                              notes=values["notes"]).pk  # fmt: skip
    if kind == "contacts":
        return contact_create(actor=actor, company_id=ids.get("company"), name=values["name"],
                              email=values["email"], phone=values["phone"],
                              position=values["position"], language=values["language"] or "en",
                              sees_company_tickets=values["sees_company_tickets"]).pk  # fmt: skip
    if kind == "sites":
        return site_create(actor=actor, company_id=ids["company"] or 0, name=values["name"],
                           address=values["address"], latitude=values["latitude"],
                           longitude=values["longitude"],
                           time_zone=values["time_zone"] or "UTC").pk  # fmt: skip
    if kind == "equipment":
        return equipment_create(actor=actor, company_id=ids["company"] or 0,
                                kind_id=ids["kind"] or 0, site_id=ids.get("site"),
                                serial_number=values["serial_number"],
                                inventory_number=values["inventory_number"],
                                warranty_until=values["warranty_until"]).pk  # fmt: skip
    if kind == "tickets":
        return ticket_create(actor=actor, title=values["title"], description=values["description"],
                             channel="api", company_id=ids.get("company"),
                             contact_id=ids.get("contact"), site_id=ids.get("site"),
                             equipment_id=ids.get("equipment"), type_id=ids.get("type"),
                             priority_id=ids.get("priority")).pk  # fmt: skip
    number = Ticket.objects.values_list("number", flat=True).get(pk=ids["ticket"] or 0)
    return comment_add(actor=actor, number=number, body=values["body"],
                       is_public=values["public"]).pk  # fmt: skip


class _DryRun(Exception):
    """Rolls back a dry run's row after it went through the service."""


def _row_import(kind: Kind, line: int, row: Mapping[str, str], *, source: str, actor: User,
                dry_run: bool, report: ImportReport) -> None:  # fmt: skip
    read = row_read(kind, row)
    external_id = str(read.values.get("external_id") or "")
    if (
        external_id
        and ImportedRecord.objects.filter(
            source=source, kind=kind.name, external_id=external_id
        ).exists()
    ):
        report.skipped += 1
        return
    ids: dict[str, int | None] = {}
    resolver = _Resolver(source)
    for column in kind.columns:
        if column.refers_to and column.name in read.values and column.name not in read.errors:
            try:
                ids[column.name] = resolver.resolve(column.refers_to, read.values[column.name])
            except ValidationFailed as exc:
                read.errors[column.name] = next(iter(exc.fields.values()), str(exc))
    if read.errors:
        report.problems += [Problem(line, c, r) for c, r in read.errors.items()]
        return
    try:
        with transaction.atomic():
            object_id = _create(kind.name, read.values, ids, actor)
            ImportedRecord.objects.create(source=source, kind=kind.name,
                                          external_id=external_id, object_id=object_id)  # fmt: skip
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except (DomainError, IntegrityError) as exc:
        fields = getattr(exc, "fields", None) or {"": str(exc)}
        report.problems += [
            Problem(line, name.removesuffix("_id") or "-", str(why)) for name, why in fields.items()
        ]
        return
    report.created += 1


def import_rows(
    kind_name: str,
    rows: Iterable[Mapping[str, str]],
    *,
    source: str,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import `rows` (line 2 is the first row under the header) of one kind."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise ImportFileError(f"unknown kind {kind_name!r}; one of {', '.join(KINDS)}")
    remaining = iter(rows)
    first = next(remaining, None)
    problems = header_errors(kind, list(first) if first is not None else [])
    if problems:
        raise ImportFileError("; ".join(problems))
    actor, report = system_user("import"), ImportReport()
    line, remaining = 2, itertools.chain([first] if first is not None else [], remaining)
    # A batch at a time, so the rows of a long file are never all in memory.
    while batch := list(itertools.islice(remaining, BATCH)):
        with transaction.atomic():
            for offset, row in enumerate(batch):
                _row_import(kind, line + offset, row, source=source, actor=actor,
                            dry_run=dry_run, report=report)  # fmt: skip
        line += len(batch)
        if progress is not None:
            progress(len(batch))
    return report
