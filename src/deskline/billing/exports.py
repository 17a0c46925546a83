"""Acts and invoices of a period for accounting, as CSV (UTF-8 with BOM) or XLSX.

Acts: one row per printed line, the document's columns repeated on each of its lines (the shape
accounting systems import as "document with lines"). Invoices: one row each. Rows are read in
chunks, so a year of documents does not sit in memory as model instances.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from deskline.billing.models import Act, ActStatus, Invoice

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ACT_COLUMNS = ["document", "number", "date", "status", "company", "inn", "kpp", "vat_id",
               "currency", "document_net", "document_vat", "document_total", "line", "ticket",
               "work_date", "description", "quantity", "unit", "unit_price", "discount_percent",
               "vat_rate", "net", "vat", "total"]  # fmt: skip
INVOICE_COLUMNS = ["document", "number", "date", "due_on", "status", "company", "inn",
                   "currency", "total", "vat", "paid", "acts"]  # fmt: skip


def _act_rows(start: dt.date, end: dt.date) -> Iterator[list[Any]]:
    acts = (
        Act.objects.exclude(status=ActStatus.DRAFT)
        .filter(issued_at__date__range=(start, end))
        .select_related("company")
        .order_by("year", "number")
    )
    for act in acts.iterator(chunk_size=200):
        doc = act.snapshot
        client = doc.get("client", {})
        head = ["act", act.display_number, doc.get("issued_on", ""), act.status, act.company.name,
                client.get("tax_id", ""), client.get("kpp", ""), client.get("vat_id", ""),
                act.currency, str(act.net), str(act.vat), str(act.total)]  # fmt: skip
        for n, line in enumerate(doc.get("lines", []), start=1):
            yield head + [n, line["ticket"], line["work_date"], line["description"],
                          line["quantity"], line["unit"], line["unit_price"],
                          line["discount_percent"], line["vat_rate"], line["net"], line["vat"],
                          line["total"]]  # fmt: skip


def _invoice_rows(start: dt.date, end: dt.date) -> Iterator[list[Any]]:
    invoices = (
        Invoice.objects.filter(issued_at__date__range=(start, end))
        .select_related("company")
        .prefetch_related("lines__act")
        .order_by("year", "number")
    )
    for inv in invoices.iterator(chunk_size=200):
        acts = " ".join(line.act.display_number for line in inv.lines.all())
        yield ["invoice", inv.display_number, inv.issued_at.date().isoformat(),
               inv.due_on.isoformat(), inv.status, inv.company.name, inv.company.tax_id,
               inv.currency, str(inv.total), str(inv.vat), str(inv.paid), acts]  # fmt: skip


def _export(headers: list[str], rows: Iterator[list[Any]], title: str, fmt: str) -> bytes:
    import tablib  # imported on use: tablib loads pandas, tens of MB in every process

    data = tablib.Dataset(headers=headers)
    data.title = title
    for row in rows:
        data.append(row)
    if fmt == "csv":
        return ("\ufeff" + str(data.export("csv"))).encode("utf-8")
    if fmt == "xlsx":
        return bytes(data.export("xlsx"))
    raise ValueError(f"unknown format {fmt!r}")


def export_acts(*, start: dt.date, end: dt.date, fmt: str) -> bytes:
    return _export(ACT_COLUMNS, _act_rows(start, end), "acts", fmt)


def export_invoices(*, start: dt.date, end: dt.date, fmt: str) -> bytes:
    return _export(INVOICE_COLUMNS, _invoice_rows(start, end), "invoices", fmt)
