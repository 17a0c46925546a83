"""HTML from outside the system is sanitised here (nh3) before it is stored or shown."""

from __future__ import annotations

import html
import re

import nh3

_ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i", "img",
    "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}


def sanitize_html(markup: str) -> str:
    """Keep formatting, drop scripts, styles, event handlers and unsafe URLs."""
    return nh3.clean(
        markup,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def text_to_html(text: str) -> str:
    """Plain text as safe HTML: escaped, paragraphs and line breaks kept."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def html_to_text(markup: str) -> str:
    """A rough plain-text version of HTML, for search and previews."""
    stripped = nh3.clean(markup.replace("<br>", "\n").replace("</p>", "\n\n"), tags=set())
    return html.unescape(stripped).strip()


_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_REMOTE_SRC = re.compile(r"""\ssrc\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
_ALT = re.compile(r'\salt\s*=\s*"([^"]*)"', re.IGNORECASE)


def has_remote_images(markup: str) -> bool:
    return any(_REMOTE_SRC.search(tag) for tag in _IMG_TAG.findall(markup or ""))


def remote_images_blocked(markup: str) -> str:
    """Sanitised HTML with every image loaded from another site replaced by a marker: opening a
    ticket must not tell a mail's sender (a tracking pixel) that it was read."""

    def replace(match: re.Match[str]) -> str:
        tag = match.group(0)
        if not _REMOTE_SRC.search(tag):
            return tag
        alt = _ALT.search(tag)
        label = html.escape(html.unescape(alt.group(1)) if alt else "")
        return f'<span class="remote-image-blocked">[{label or "image"}]</span>'

    return _IMG_TAG.sub(replace, markup or "")
