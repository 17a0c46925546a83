"""Equipment QR labels: a printable A4 sheet (3 x 8 labels of 70 x 37 mm) for a site's equipment,
each QR code holding the address of the portal's new-ticket form with the item and its site
filled in; and reading those parameters back when a client opens the form (only the client's
own company's equipment is filled in).

The QR modules are drawn as vector rectangles (segno computes the matrix), so the code stays
sharp at any printer resolution.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.http import HttpRequest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from deskline.accounts.models import User
from deskline.clients.models import Equipment, Site
from deskline.clients.selectors import equipment_visible_to, sites_visible_to
from deskline.core.pdf import register_fonts

COLUMNS, ROWS = 3, 8
LABEL_W, LABEL_H = 70 * mm, 37 * mm
QR_SIDE = 31 * mm
PAD = 3 * mm


def portal_base(request: HttpRequest) -> str:
    """The public address labels point to: DESKLINE_BASE_URL, else the address in use."""
    configured = str(getattr(settings, "DESKLINE_BASE_URL", "") or "")
    return (configured or request.build_absolute_uri("/")).rstrip("/")


def label_url(base: str, item: Equipment) -> str:
    query = {"equipment": item.pk, **({"site": item.site_id} if item.site_id else {})}
    return f"{base}/portal/new/?{urlencode(query)}"


def _draw_qr(canvas: Canvas, text: str, x: float, y: float, side: float) -> None:
    """The QR code of `text` with its bottom-left corner at (x, y), `side` wide (quiet zone
    included), as one filled rectangle per horizontal run of dark modules."""
    rows = [list(r) for r in segno.make(text, error="m").matrix_iter(scale=1, border=2)]
    module = side / len(rows)
    for r, row in enumerate(rows):
        top = y + side - (r + 1) * module
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            canvas.rect(x + start * module, top, (c - start) * module, module, stroke=0, fill=1)


def _fit(text: str, font: str, size: float, width: float) -> str:
    while text and stringWidth(text, font, size) > width:
        text = text[:-2] + "…" if len(text) > 1 else ""
    return text


def _label(canvas: Canvas, item: Equipment, site: Site, url: str, x: float, y: float) -> None:
    regular, bold = register_fonts()
    _draw_qr(canvas, url, x + PAD, y + (LABEL_H - QR_SIDE) / 2, QR_SIDE)
    left = x + PAD + QR_SIDE + 2 * mm
    width = x + LABEL_W - PAD - left
    name = item.model.name if item.model_id and item.model else item.kind.name
    lines = [(bold, 9, name), (regular, 8, item.kind.name if item.model_id else ""),
             (regular, 8, f"S/N {item.serial_number}" if item.serial_number else ""),
             (regular, 8, f"Inv. {item.inventory_number}" if item.inventory_number else ""),
             (regular, 7, site.name), (regular, 6, f"ID {item.pk} · scan to report a problem")]  # fmt: skip
    top = y + LABEL_H - PAD - 9
    for font, size, text in lines:
        if text:
            canvas.setFont(font, size)
            canvas.drawString(left, top, _fit(text, font, size, width))
            top -= size + 3


def labels_pdf(*, site: Site, items: Sequence[Equipment], base_url: str) -> bytes:
    """A4 pages of labels, left to right and top to bottom; a site without equipment gets one
    page saying so."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Equipment labels: {site.name}")
    page_w, page_h = A4
    margin_x = (page_w - COLUMNS * LABEL_W) / 2
    margin_y = (page_h - ROWS * LABEL_H) / 2
    regular, _bold = register_fonts()
    if not items:
        canvas.setFont(regular, 12)
        canvas.drawString(margin_x, page_h - margin_y, f"{site.name}: no equipment")
    per_page = COLUMNS * ROWS
    for n, item in enumerate(items):
        if n and n % per_page == 0:
            canvas.showPage()
        slot = n % per_page
        x = margin_x + (slot % COLUMNS) * LABEL_W
        y = page_h - margin_y - (slot // COLUMNS + 1) * LABEL_H
        _label(canvas, item, site, label_url(base_url, item), x, y)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class Scanned:
    """What a scanned label fills into the portal's form, if the client's company owns it."""

    initial: dict[str, Any] = field(default_factory=dict)
    sites: list[Site] = field(default_factory=list)
    equipment: list[Equipment] = field(default_factory=list)
    refused: bool = False


def _id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def scanned_label(user: User, *, equipment_id: str, site_id: str) -> Scanned:
    """The item and site named by a label's address, checked against what `user` may see (a
    client: its company's); anything else is refused, never filled in."""
    item_pk, site_pk = _id(equipment_id.strip()), _id(site_id.strip())
    if item_pk is None and site_pk is None:
        return Scanned(refused=bool(equipment_id or site_id))
    item = None
    if item_pk is not None:
        item = equipment_visible_to(user).select_related("kind", "model", "site").filter(
            pk=item_pk).first()  # fmt: skip
        if item is None:
            return Scanned(refused=True)
        site_pk = item.site_id or site_pk  # the item's own site wins over the address's
    site = sites_visible_to(user).filter(pk=site_pk).first() if site_pk is not None else None
    if site_pk is not None and site is None and item is None:
        return Scanned(refused=True)
    initial: dict[str, Any] = {}
    if item is not None:
        initial["equipment"] = item.pk
    if site is not None:
        initial["site"] = site.pk
    return Scanned(initial=initial, sites=[site] if site else [],
                   equipment=[item] if item else [])  # fmt: skip
