"""Article Markdown to safe HTML: CommonMark (markdown-it-py) with tables, then nh3.

Raw HTML in the Markdown is not passed through (markdown-it escapes it), and the result is
sanitised by `core.html.sanitize_html` anyway, so a link with a `javascript:` URL or an image
with an event handler never reaches a page. Pure: no ORM.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

from deskline.core.html import html_to_text, sanitize_html

_md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def render_markdown(text: str) -> str:
    return sanitize_html(_md.render(text or ""))


def markdown_to_text(text: str) -> str:
    """The article's plain text, for indexing and passages."""
    return html_to_text(render_markdown(text))
