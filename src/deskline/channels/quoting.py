"""Cut quoted text and signatures from a reply (pure: text in, text out).

Only the text above the first quote marker is kept; the whole original stays in the stored
raw message. If cutting would leave nothing, the text is kept as it is.
"""

from __future__ import annotations

import re

_MARKERS = [
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.I | re.S),
    re.compile(r"^\s*Le\b.{0,300}\ba écrit\s*:\s*$", re.I | re.S),
    re.compile(r"^\s*Am\b.{0,300}\bschrieb\b.{0,100}:\s*$", re.I | re.S),
    re.compile(r"^.{0,300}(написал|написала|написал\(а\)|пишет)\s*:\s*$", re.I | re.S),
    re.compile(r"^\s*-{2,}\s*(Original Message|Исходное сообщение|Пересылаемое сообщение)", re.I),
    re.compile(r"^\s*_{10,}\s*$"),
    re.compile(r"^\s*(From|От|Von):\s.+", re.I),
]
_SIGNATURES = [
    re.compile(r"^-- ?$"),
    re.compile(r"^\s*(Sent from my|Отправлено с|Get Outlook for)\b", re.I),
]


def _is_marker(lines: list[str], index: int) -> bool:
    line = lines[index]
    if any(m.match(line) for m in _MARKERS[:-1]):
        return True
    # "On <date>, <name> wrote:" often wraps onto a second line.
    if index + 1 < len(lines) and _MARKERS[0].match(f"{line} {lines[index + 1]}"):
        return True
    if _MARKERS[-1].match(line):
        # An Outlook header block: From: followed by Sent:/Date: and To:/Subject: lines.
        following = " ".join(lines[index + 1 : index + 4]).lower()
        return any(k in following for k in ("sent:", "date:", "to:", "subject:", "отправлено:"))
    return False


def strip_quotes(text: str) -> str:
    lines = text.replace("\r\n", "\n").split("\n")
    cut = len(lines)
    for index, line in enumerate(lines):
        if _is_marker(lines, index) or any(s.match(line) for s in _SIGNATURES):
            cut = index
            break
    kept = lines[:cut]
    # A trailing block of "> " lines is a quote even without a marker above it.
    while kept and (kept[-1].startswith(">") or not kept[-1].strip()):
        kept.pop()
    result = "\n".join(kept).strip()
    return result or text.strip()
