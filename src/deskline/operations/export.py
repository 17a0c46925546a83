"""Everything a client company owns, as one ZIP: for its own archive, or for leaving.

The archive holds `company.json`, the registry (`contacts.csv`, `sites.csv`, `equipment.csv`,
`contracts.csv`), `tickets.csv` with each ticket's fields and text, `comments.csv` (public and
internal, marked), `history.jsonl` (every event of its tickets) and the attachments under
`attachments/<ticket number>/`, listed in `attachments.csv`. CSV is UTF-8 with a header row and
opens in any spreadsheet; rows are streamed, so a large company does not fill memory.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from deskline.clients.models import Company, Contact, Contract, Equipment, Site
from deskline.core.html import html_to_text
from deskline.tickets.models import Attachment, Comment, Ticket, TicketEvent

CHUNK = 2000


def _csv(
    archive: zipfile.ZipFile, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    count = 0
    with archive.open(name, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            count += 1
    return count


def _safe_name(filename: str) -> str:
    name = PurePosixPath(filename.replace("\\", "/")).name
    return name.lstrip(".") or "file"


def company_export(company_id: int, target: Path | io.BufferedIOBase) -> dict[str, int]:
    """Write the company's ZIP to `target`; returns how many rows of each part it holds."""
    company = Company.objects.select_related("category", "manager").get(pk=company_id)
    tickets = Ticket.objects.filter(company_id=company_id)
    counts: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("company.json", json.dumps({
            "id": company.pk, "name": company.name, "tax_id": company.tax_id,
            "category": company.category.code if company.category else None,
            "email_domains": company.email_domains, "notes": company.notes,
            "created_at": company.created_at,
        }, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))  # fmt: skip
        counts["contacts"] = _csv(archive, "contacts.csv",
            ["id", "name", "email", "phone", "position", "language", "active"],
            Contact.objects.filter(company_id=company_id).order_by("pk").values_list(
                "pk", "name", "email", "phone", "position", "language", "is_active").iterator(CHUNK))  # fmt: skip
        counts["sites"] = _csv(archive, "sites.csv",
            ["id", "name", "address", "latitude", "longitude", "time_zone", "active"],
            Site.objects.filter(company_id=company_id).order_by("pk").values_list(
                "pk", "name", "address", "latitude", "longitude", "time_zone", "is_active").iterator(CHUNK))  # fmt: skip
        counts["equipment"] = _csv(archive, "equipment.csv",
            ["id", "kind", "site_id", "serial_number", "inventory_number", "parameters",
             "warranty_until", "status"],
            ((pk, kind, site, serial, inventory, json.dumps(params, ensure_ascii=False), until, status)
             for pk, kind, site, serial, inventory, params, until, status in
             Equipment.objects.filter(company_id=company_id).order_by("pk").values_list(
                 "pk", "kind__code", "site_id", "serial_number", "inventory_number", "parameters",
                 "warranty_until", "status").iterator(CHUNK)))  # fmt: skip
        counts["contracts"] = _csv(archive, "contracts.csv",
            ["id", "number", "title", "starts_on", "ends_on", "included_hours", "active"],
            Contract.objects.filter(company_id=company_id).order_by("pk").values_list(
                "pk", "number", "title", "starts_on", "ends_on", "included_hours", "is_active").iterator(CHUNK))  # fmt: skip
        counts["tickets"] = _csv(archive, "tickets.csv",
            ["number", "title", "type", "priority", "status", "phase", "channel", "contact_id",
             "site_id", "equipment_id", "contract_id", "created_at", "reacted_at", "resolved_at",
             "closed_at", "reaction_due", "resolution_due", "rating", "description"],
            ((*row[:-1], html_to_text(row[-1])) for row in tickets.order_by("number").values_list(
                "number", "title", "type__code", "priority__code", "status__code", "phase", "channel",
                "contact_id", "site_id", "equipment_id", "contract_id", "created_at", "reacted_at",
                "resolved_at", "closed_at", "reaction_due", "resolution_due", "rating",
                "description").iterator(CHUNK)))  # fmt: skip
        counts["comments"] = _csv(archive, "comments.csv",
            ["ticket", "created_at", "public", "author", "author_contact_id", "channel", "body"],
            ((number, at, public, author or "", contact, channel, html_to_text(body))
             for number, at, public, author, contact, channel, body in
             Comment.objects.filter(ticket__company_id=company_id).order_by("ticket__number", "pk")
             .values_list("ticket__number", "created_at", "is_public", "author__username",
                          "author_contact_id", "channel", "body").iterator(CHUNK)))  # fmt: skip
        counts["history"] = _history(archive, company_id)
        counts["attachments"] = _attachments(archive, company_id)
    return counts


def _history(archive: zipfile.ZipFile, company_id: int) -> int:
    count = 0
    events = (
        TicketEvent.objects.filter(ticket__company_id=company_id)
        .order_by("ticket__number", "pk")
        .values_list("ticket__number", "kind", "created_at", "actor__username", "changes", "data")
    )
    with archive.open("history.jsonl", "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as out:
        for number, kind, at, actor, changes, data in events.iterator(CHUNK):
            out.write(json.dumps({"ticket": number, "kind": kind, "at": at, "actor": actor,
                                  "changes": changes, "data": data},
                                 cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")  # fmt: skip
            count += 1
    return count


def _attachments(archive: zipfile.ZipFile, company_id: int) -> int:
    listed: list[tuple[Any, ...]] = []
    rows = Attachment.objects.filter(ticket__company_id=company_id).select_related("ticket")
    for attachment in rows.order_by("ticket__number", "pk").iterator(CHUNK):
        path = f"attachments/{attachment.ticket.number}/{attachment.pk}-{_safe_name(attachment.filename)}"
        try:
            with attachment.file.open("rb") as source, archive.open(path, "w") as out:
                while chunk := source.read(1 << 20):
                    out.write(chunk)
        except FileNotFoundError:
            path = ""  # the row survived its file: listed, marked missing
        listed.append((attachment.ticket.number, attachment.filename, attachment.size,
                       attachment.sha256, attachment.is_public, attachment.created_at, path))  # fmt: skip
    return _csv(archive, "attachments.csv",
                ["ticket", "filename", "size", "sha256", "public", "created_at", "path_in_zip"],
                listed)  # fmt: skip
