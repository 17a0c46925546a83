"""Acts and invoices of a period for accounting, as CSV (UTF-8 with BOM) or XLSX.

Acts: one row per printed line, the document's columns repeated on each of its lines. Invoices:
one row each. Rows are read in chunks, so a year of documents does not sit in memory as model
instances.

The accounting import (`export_documents`): one row per act with its lines in the same row, the
shape an accounting system imports as "document per row with lines": the document's columns
(`DOCUMENT_COLUMNS`), `lines` (how many), then per line n the group `line{n}_ticket` ...
`line{n}_total` (`LINE_FIELDS`), as many groups as the longest act of the period has; or JSON
Lines (one JSON object per act, its lines a list of objects with the same names).
`documents_read` reads either back into the same dicts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

from deskline.billing.models import Act, ActStatus, Invoice

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/x-ndjson; charset=utf-8",
}
ACT_COLUMNS = ["document", "number", "date", "status", "company", "inn", "kpp", "vat_id",
               "currency", "document_net", "document_vat", "document_total", "line", "ticket",
               "work_date", "description", "quantity", "unit", "unit_price", "discount_percent",
               "vat_rate", "net", "vat", "total"]  # fmt: skip
INVOICE_COLUMNS = ["document", "number", "date", "due_on", "status", "company", "inn",
                   "currency", "total", "vat", "paid", "acts"]  # fmt: skip


DOCUMENT_COLUMNS = ["document", "number", "date", "status", "company", "inn", "kpp", "vat_id",
                    "currency", "net", "vat", "total"]  # fmt: skip
LINE_FIELDS = ["ticket", "work_date", "description", "quantity", "unit", "unit_price",
               "discount_percent", "vat_rate", "net", "vat", "total"]  # fmt: skip


def _issued_acts(start: dt.date, end: dt.date) -> Iterator[Act]:
    acts = (
        Act.objects.exclude(status=ActStatus.DRAFT)
        .filter(issued_at__date__range=(start, end))
        .select_related("company")
        .order_by("year", "number")
    )
    yield from acts.iterator(chunk_size=200)


def _act_head(act: Act) -> list[Any]:
    """The document's columns (`DOCUMENT_COLUMNS`), as issued."""
    doc = act.snapshot
    client = doc.get("client", {})
    return ["act", act.display_number, doc.get("issued_on", ""), act.status, act.company.name,
            client.get("tax_id", ""), client.get("kpp", ""), client.get("vat_id", ""),
            act.currency, str(act.net), str(act.vat), str(act.total)]  # fmt: skip


def _act_rows(start: dt.date, end: dt.date) -> Iterator[list[Any]]:
    for act in _issued_acts(start, end):
        doc, head = act.snapshot, _act_head(act)
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


def _documents(start: dt.date, end: dt.date) -> Iterator[dict[str, Any]]:
    for act in _issued_acts(start, end):
        document = dict(zip(DOCUMENT_COLUMNS, _act_head(act), strict=True))
        document["lines"] = [{f: line[f] for f in LINE_FIELDS} for line in act.snapshot["lines"]]
        yield document


def _wide_row(document: dict[str, Any], width: int) -> list[Any]:
    row = [document[c] for c in DOCUMENT_COLUMNS] + [len(document["lines"])]
    for line in document["lines"]:
        row += [line[f] for f in LINE_FIELDS]
    return row + [""] * (len(LINE_FIELDS) * (width - len(document["lines"])))


def export_documents(*, start: dt.date, end: dt.date, fmt: str) -> bytes:
    """Issued acts of the period for an accounting system's import, one per row (see above)."""
    if fmt == "jsonl":
        return b"".join(json.dumps(d, ensure_ascii=False).encode() + b"\n"
                        for d in _documents(start, end))  # fmt: skip
    # The width is the longest act's: a first pass counts lines without keeping documents.
    width = max((len(d["lines"]) for d in _documents(start, end)), default=0)
    headers = [*DOCUMENT_COLUMNS, "lines"]
    headers += [f"line{n}_{f}" for n in range(1, width + 1) for f in LINE_FIELDS]
    rows = (_wide_row(d, width) for d in _documents(start, end))
    return _export(headers, rows, "documents", fmt)


def documents_read(body: bytes, fmt: str) -> list[dict[str, Any]]:
    """The documents of an `export_documents` file (CSV or JSON Lines), every value a string."""
    if fmt == "jsonl":
        return [json.loads(line) for line in body.decode("utf-8").splitlines() if line]
    documents = []
    for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig"))):
        document: dict[str, Any] = {c: row[c] for c in DOCUMENT_COLUMNS}
        document["lines"] = [{f: row[f"line{n}_{f}"] for f in LINE_FIELDS}
                             for n in range(1, int(row["lines"]) + 1)]  # fmt: skip
        documents.append(document)
    return documents
