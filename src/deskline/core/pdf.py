"""PDF building blocks shared by every document Deskline prints (acts, invoices, labels,
reports): ReportLab with the DejaVu fonts served from our own static files, so Cyrillic and
Latin text render the same on a machine with no system fonts.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "static" / "vendor" / "dejavu-fonts-ttf-2.37.3"
#: The font names documents use (registered on first use).
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"


@cache
def register_fonts() -> tuple[str, str]:
    """Register the regular and bold fonts once per process; returns their names."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
    return REGULAR, BOLD
