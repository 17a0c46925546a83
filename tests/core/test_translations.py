"""The Russian catalogue stays valid: parallel work adds strings, and a duplicate breaks msgfmt."""

from __future__ import annotations

import ast
import gettext
from collections import Counter
from pathlib import Path

import deskline

CATALOGUE = Path(deskline.__file__).parent / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def _message_keys(text: str) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    context, msgid, field = "", None, ""
    for line in text.splitlines():
        if line.startswith("msgctxt "):
            context, field = ast.literal_eval(line[8:]), "ctxt"
        elif line.startswith("msgid "):
            msgid, field = ast.literal_eval(line[6:]), "id"
        elif line.startswith('"') and field in ("id", "ctxt"):
            if field == "id" and msgid is not None:
                msgid += ast.literal_eval(line)
            else:
                context += ast.literal_eval(line)
        elif line.startswith("msgstr"):
            if msgid:  # the header has an empty msgid
                keys.append((context, msgid))
            context, msgid, field = "", None, ""
    return keys


def test_no_message_is_defined_twice() -> None:
    counts = Counter(_message_keys(CATALOGUE.read_text(encoding="utf-8")))
    assert [key for key, n in counts.items() if n > 1] == []


def test_the_compiled_catalogue_holds_every_message_of_its_source() -> None:
    """A string added to django.po but not compiled would show in English."""
    with CATALOGUE.with_suffix(".mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    keys = [(f"{context}\x04{msgid}" if context else msgid)
            for context, msgid in _message_keys(CATALOGUE.read_text(encoding="utf-8"))]  # fmt: skip
    # A plural message is compiled under (msgid, form) for each form.
    missing = [key for key in keys if key not in catalog and (key, 0) not in catalog]
    assert missing == []
