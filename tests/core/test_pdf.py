"""The shared PDF fonts render Cyrillic text that reads back from the file."""

from __future__ import annotations

import io
import shutil
import subprocess

from reportlab.pdfgen.canvas import Canvas

from deskline.core.pdf import register_fonts
from tests.servers import server_missing


def test_cyrillic_text_survives_a_round_trip_through_the_pdf() -> None:
    regular, _ = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont(regular, 12)
    canvas.drawString(72, 720, "Акт выполненных работ № 7")
    canvas.save()
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        server_missing("pdftotext", "Debian: apt-get install -y poppler-utils")
    text = subprocess.run(
        [str(pdftotext), "-", "-"], input=buffer.getvalue(), capture_output=True, check=True
    ).stdout.decode()
    assert "Акт выполненных работ № 7" in text
