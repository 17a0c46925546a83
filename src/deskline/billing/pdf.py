"""The act as a PDF (ReportLab), in Russian or English, from `documents.act_document`'s data.

Fonts: the DejaVu pair registered by `core.pdf` (vendored, pinned and integrity-checked by
scripts/vendor.py), so Cyrillic renders the same on a machine without system fonts. Labels are
the document's own language (the client's), not the viewer's interface language.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

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
    },
}


def _party_lines(party: dict[str, str], words: dict[str, str]) -> str:
    russian = party.get("country", "RU") == "RU"
    parts = [party["legal_name"] or party["name"]]
    if party.get("address"):
        parts.append(party["address"])
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
    return "<br/>".join(escape(p) for p in parts if p)


def act_pdf(document: dict[str, Any]) -> bytes:
    """Render the act; every figure printed is the document's (already rounded) value."""
    regular, bold = register_fonts()
    words = LABELS.get(document["language"], LABELS["en"])
    text = ParagraphStyle("text", fontName=regular, fontSize=8, leading=10)
    heading = ParagraphStyle("heading", fontName=bold, fontSize=12, leading=15, spaceAfter=6)
    buffer = io.BytesIO()
    page = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm,
                             topMargin=12 * mm, bottomMargin=12 * mm,
                             title=f"Act {document['number']}")  # fmt: skip
    title = (words["title"].format(number=document["number"], date=document["issued_on"])
             if document["number"] else words["draft"])  # fmt: skip
    story: list[Any] = [Paragraph(escape(title), heading)]
    if document.get("ticket"):
        story.append(Paragraph(escape(words["ticket"].format(ticket=document["ticket"])), text))
    start, end = document.get("period") or ["", ""]
    if start:
        story.append(Paragraph(escape(words["period"].format(start=start, end=end)), text))
    story.append(Spacer(1, 3 * mm))
    parties = [[Paragraph(f"<b>{words['provider']}</b>", text),
                Paragraph(_party_lines(document["provider"], words), text)],
               [Paragraph(f"<b>{words['client']}</b>", text),
                Paragraph(_party_lines(document["client"], words), text)]]  # fmt: skip
    story += [Table(parties, colWidths=[30 * mm, 156 * mm]), Spacer(1, 4 * mm)]
    rows: list[list[Any]] = [words["cols"].split("|")]
    for index, line in enumerate(document["lines"], start=1):
        rows.append([index, line["ticket"], line["work_date"],
                     Paragraph(escape(line["description"]), text), line["quantity"], line["unit"],
                     line["unit_price"], line["discount_percent"], line["vat_rate"],
                     line["total"]])  # fmt: skip
    widths = [8, 16, 18, 58, 14, 10, 18, 14, 12, 18]
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), regular, 7.5),
        ("FONT", (0, 0), (-1, 0), bold, 7.5),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("ALIGN", (4, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    story += [table, Spacer(1, 3 * mm)]
    sums = [[words["net"], document["net"]]]
    sums += [[words["vat"].format(rate=rate), vat] for rate, _net, vat in document["by_rate"]]
    sums.append([words["total"].format(currency=document["currency"]), document["total"]])
    summary = Table(sums, colWidths=[60 * mm, 30 * mm], hAlign="RIGHT")
    summary.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), regular, 9),
                                 ("FONT", (0, -1), (-1, -1), bold, 9),
                                 ("ALIGN", (1, 0), (1, -1), "RIGHT")]))  # fmt: skip
    story += [summary, Spacer(1, 6 * mm), Paragraph(escape(words["footer"]), text),
              Spacer(1, 10 * mm), Paragraph(escape(words["sign"]), text)]  # fmt: skip
    page.build(story)
    return buffer.getvalue()
