"""The act as a PDF (ReportLab), in Russian or English, from `documents.act_document`'s data.

Fonts: the DejaVu pair registered by `core.pdf` (vendored, pinned and integrity-checked by
scripts/vendor.py), so Cyrillic renders the same on a machine without system fonts. Labels are
the document's own language (the client's), not the viewer's interface language.

Drawn on the canvas line by line rather than with platypus tables: the monthly run prints
thousands of acts, and a platypus table cost ~0.7 ms per row against ~0.1 ms here.
"""

from __future__ import annotations

import base64
import io
import time
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from deskline.core.pdf import register_fonts

LABELS: dict[str, dict[str, str]] = {
    "ru": {
        "title": "Акт выполненных работ № {number} от {date}",
        "draft": "Проект акта (без номера)",
        "provider": "Исполнитель",
        "client": "Заказчик",
        "inn": "ИНН",
        "kpp": "КПП",
        "vat_id": "VAT ID",
        "bank": "Банк",
        "bic": "БИК",
        "account": "Р/с",
        "corr": "К/с",
        "ticket": "Заявка № {ticket}",
        "period": "Период: {start} — {end}",
        "cols": "№|Заявка|Дата|Наименование|Кол-во|Ед.|Цена|Скидка, %|НДС, %|Сумма",
        "net": "Итого без НДС",
        "vat": "НДС {rate}%",
        "total": "Всего к оплате ({currency})",
        "sign": "Исполнитель ____________        Заказчик ____________",
        "footer": "Работы выполнены полностью и в срок. Заказчик претензий по объёму, качеству "
        "и срокам оказания услуг не имеет.",
        "work": "Выполненные работы",
        "signed_by": "Подписано заказчиком на объекте: {name}",
    },
    "en": {
        "title": "Certificate of completed work No. {number} of {date}",
        "draft": "Draft certificate (not numbered)",
        "provider": "Provider",
        "client": "Client",
        "inn": "Tax id",
        "kpp": "KPP",
        "vat_id": "VAT id",
        "bank": "Bank",
        "bic": "BIC",
        "account": "Account",
        "corr": "Corr. account",
        "ticket": "Ticket No. {ticket}",
        "period": "Period: {start} to {end}",
        "cols": "#|Ticket|Date|Description|Qty|Unit|Price|Disc., %|VAT, %|Amount",
        "net": "Total without VAT",
        "vat": "VAT {rate}%",
        "total": "Total due ({currency})",
        "sign": "Provider ____________        Client ____________",
        "footer": "The work has been completed in full and on time.",
        "work": "Work done",
        "signed_by": "Signed by the client on site: {name}",
    },
}


def _party_lines(party: dict[str, str], words: dict[str, str]) -> list[str]:
    russian = party.get("country", "RU") == "RU"
    parts = [party["legal_name"] or party["name"], party.get("address", "")]
    if russian:
        ids = [f"{words['inn']} {party['tax_id']}" if party.get("tax_id") else "",
               f"{words['kpp']} {party['kpp']}" if party.get("kpp") else ""]  # fmt: skip
        parts.append(", ".join(i for i in ids if i))
        bank = [f"{words['bank']} {party['bank_name']}" if party.get("bank_name") else "",
                f"{words['bic']} {party['bank_bic']}" if party.get("bank_bic") else "",
                f"{words['account']} {party['bank_account']}" if party.get("bank_account") else "",
                f"{words['corr']} {party['correspondent_account']}"
                if party.get("correspondent_account") else ""]  # fmt: skip
        parts.append(", ".join(b for b in bank if b))
    else:
        vat_id = party.get("vat_id") or party.get("tax_id")
        if vat_id:
            parts.append(f"{words['vat_id']} {vat_id}")
        if party.get("bank_account"):
            parts.append(f"IBAN {party['bank_account']} {party.get('bank_bic', '')}".strip())
    return [p for p in parts if p]


PAGE_W, PAGE_H = A4
MARGIN = 12 * mm
#: Column widths (mm) and which columns are numbers (right-aligned).
WIDTHS = [8, 16, 18, 58, 14, 10, 18, 14, 12, 18]
NUMERIC = {4, 6, 7, 8, 9}
DESCRIPTION = 3
SIZE, LEADING = 7.5, 9.0


class _Page:
    """A cursor down the page that starts a new page (repeating the table head) when full."""

    def __init__(self, canvas: Canvas, fonts: tuple[str, str], head: list[str]) -> None:
        self.canvas, (self.regular, self.bold), self.head = canvas, fonts, head
        self.y = PAGE_H - MARGIN
        self.x = [MARGIN + sum(WIDTHS[:i]) * mm for i in range(len(WIDTHS) + 1)]

    def text(self, value: str, *, bold: bool = False, size: float = 8, x: float = MARGIN,
             width: float = PAGE_W - 2 * MARGIN) -> None:  # fmt: skip
        font = self.bold if bold else self.regular
        for piece in simpleSplit(value, font, size, width) or [""]:
            self.room(size + 2)
            self.canvas.setFont(font, size)
            self.canvas.drawString(x, self.y - size, piece)
            self.y -= size + 2

    def room(self, height: float, *, table: bool = False) -> None:
        if self.y - height >= MARGIN:
            return
        self.canvas.showPage()
        self.y = PAGE_H - MARGIN
        if table:
            self.row(self.head, bold=True)

    def row(self, cells: list[str], *, bold: bool = False) -> None:
        font = self.bold if bold else self.regular
        # Only the description wraps; the other columns hold short values on one line.
        wrapped = [
            simpleSplit(str(c), font, SIZE, WIDTHS[i] * mm - 4) or [""]
            if i == DESCRIPTION or bold
            else [str(c)]
            for i, c in enumerate(cells)
        ]
        height = max(len(w) for w in wrapped) * LEADING + 3
        self.room(height, table=not bold)
        canvas = self.canvas
        # One text object per row: a drawString per cell costs a text object each.
        text = canvas.beginText()
        text.setFont(font, SIZE)
        for i, lines in enumerate(wrapped):
            for n, piece in enumerate(lines):
                x = self.x[i] + 2
                if i in NUMERIC:
                    x = self.x[i + 1] - 2 - stringWidth(piece, font, SIZE)
                text.setTextOrigin(x, self.y - SIZE - n * LEADING)
                text.textOut(piece)
        canvas.drawText(text)
        self.y -= height
        canvas.line(self.x[0], self.y + 1, self.x[-1], self.y + 1)


def _work_done(page: _Page, document: dict[str, Any], words: dict[str, str]) -> None:
    """Visits with their times and the checklist steps done, one line each."""
    work = document.get("work") or []
    if not work:
        return
    page.y -= 8
    page.text(words["work"], bold=True, size=9)
    for line in work:
        page.text(f"{line['date']}  #{line['ticket']}  {line['text']}")


def _signature(page: _Page, document: dict[str, Any], words: dict[str, str]) -> None:
    """The client's signature drawn on the engineer's phone, under the signing line."""
    if not document.get("signature"):
        return
    height = 18 * mm
    page.room(height + 12)
    image = ImageReader(io.BytesIO(base64.b64decode(document["signature"])))
    page.canvas.drawImage(image, PAGE_W - MARGIN - 60 * mm, page.y - height, width=60 * mm,
                          height=height, preserveAspectRatio=True, mask="auto")  # fmt: skip
    page.y -= height + 2
    page.text(words["signed_by"].format(name=document.get("signed_by", "")),
              x=PAGE_W - MARGIN - 60 * mm, width=60 * mm)  # fmt: skip


def act_pdf(document: dict[str, Any]) -> bytes:
    """Render the act; every figure printed is the document's (already rounded) value."""
    fonts = register_fonts()
    words = LABELS.get(document["language"], LABELS["en"])
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Act {document['number']}")
    canvas.setLineWidth(0.3)
    head = words["cols"].split("|")
    page = _Page(canvas, fonts, head)
    title = (words["title"].format(number=document["number"], date=document["issued_on"])
             if document["number"] else words["draft"])  # fmt: skip
    page.text(title, bold=True, size=12)
    if document.get("ticket"):
        page.text(words["ticket"].format(ticket=document["ticket"]))
    start, end = document.get("period") or ["", ""]
    if start:
        page.text(words["period"].format(start=start, end=end))
    for key in ("provider", "client"):
        page.y -= 4
        page.text(words[key], bold=True)
        for line in _party_lines(document[key], words):
            page.text(line, x=MARGIN + 6 * mm, width=PAGE_W - 2 * MARGIN - 6 * mm)
    page.y -= 6
    page.row(head, bold=True)
    for index, line in enumerate(document["lines"], start=1):
        page.row([str(index), line["ticket"], line["work_date"], line["description"],
                  line["quantity"], line["unit"], line["unit_price"], line["discount_percent"],
                  line["vat_rate"], line["total"]])  # fmt: skip
    page.y -= 4
    sums = [(words["net"], document["net"], False)]
    sums += [(words["vat"].format(rate=rate), vat, False) for rate, _n, vat in document["by_rate"]]
    sums.append((words["total"].format(currency=document["currency"]), document["total"], True))
    for label, value, bold in sums:
        page.room(12)
        canvas.setFont(fonts[1] if bold else fonts[0], 9)
        canvas.drawRightString(PAGE_W - MARGIN - 32 * mm, page.y - 9, label)
        canvas.drawRightString(PAGE_W - MARGIN, page.y - 9, value)
        page.y -= 12
    _work_done(page, document, words)
    page.y -= 10
    page.text(words["footer"])
    page.y -= 20
    page.text(words["sign"])
    _signature(page, document, words)
    canvas.save()
    return buffer.getvalue()


def act_pdf_write(path: str, document: dict[str, Any]) -> tuple[int, float]:
    """Write the act's PDF to `path`; its size in bytes and the seconds rendering took. Runs in
    a worker process too (`pdf_folder`): this module needs no Django."""
    started = time.perf_counter()
    pdf = act_pdf(document)
    seconds = time.perf_counter() - started
    Path(path).write_bytes(pdf)
    return len(pdf), seconds
