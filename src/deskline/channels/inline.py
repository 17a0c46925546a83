"""Inline images of HTML mail (pure): find `cid:` references, point them at stored files.

A mail's HTML shows its embedded images with `<img src="cid:ID">`, where ID is the
Content-ID of a MIME part (RFC 2392: compared without the angle brackets, after
percent-decoding). Once the parts are stored as attachments, `link_cids` rewrites those
references in the sanitised HTML to the attachments' URLs. `own_cid_references` lists the
images a reply shows in its own text, leaving out those in the quoted message below it.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from urllib.parse import unquote

# Sanitised HTML (nh3) always double-quotes attribute values.
_CID_ATTR = re.compile(r'(\s(?:src|href)=")cid:([^"]*)(")', re.IGNORECASE)
_QUOTE_CLASSES = {"gmail_quote", "moz-cite-prefix", "yahoo_quoted"}
_VOID = {"img", "br", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"}


def cid_key(value: str) -> str:
    """The Content-ID a `cid:` URL (or a Content-ID header value) names, for comparison."""
    return unquote(html.unescape(value)).strip().strip("<>").strip()


def cid_references(markup: str) -> list[str]:
    """The Content-IDs the HTML refers to, in order, each once."""
    return list(dict.fromkeys(cid_key(m.group(2)) for m in _CID_ATTR.finditer(markup)))


def link_cids(markup: str, urls: Mapping[str, str]) -> str:
    """The HTML with each `cid:` reference to a known Content-ID replaced by its URL."""

    def replace(match: re.Match[str]) -> str:
        url = urls.get(cid_key(match.group(2)))
        if url is None:
            return match.group(0)
        return f"{match.group(1)}{html.escape(url, quote=True)}{match.group(3)}"

    return _CID_ATTR.sub(replace, markup)


class _OwnImages(HTMLParser):
    """Collects `cid:` image sources that are not part of a quoted message.

    Inside a blockquote (or a mailer's quote container) is quoted; so is everything after
    Outlook's reply header (`id="divRplyFwdMsg"`), which precedes the quote without wrapping it.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # (tag, starts a quote) of each open element
        self.cut = False
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if (values.get("id") or "").lower() == "divrplyfwdmsg":
            self.cut = True
        if tag == "img":
            src = (values.get("src") or "").strip()
            quoted = self.cut or any(q for _, q in self.open)
            if src[:4].lower() == "cid:" and not quoted:
                self.found.append(cid_key(src[4:]))
            return
        if tag in _VOID:
            return
        classes = {c.lower() for c in (values.get("class") or "").split()}
        self.open.append((tag, tag == "blockquote" or bool(classes & _QUOTE_CLASSES)))

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching element: unclosed <p> and friends must not shift the stack.
        if any(t == tag for t, _ in self.open):
            while self.open and self.open.pop()[0] != tag:
                pass


def own_cid_references(markup: str) -> list[str]:
    """Content-IDs of images in the reply's own text (not in a quoted earlier message)."""
    parser = _OwnImages()
    # Malformed markup: whatever was found before the parser gave up stands.
    with contextlib.suppress(Exception):
        parser.feed(markup)
        parser.close()
    return list(dict.fromkeys(parser.found))
