"""Articles suggested in the acknowledgement of a new ticket ("while you wait, these articles may
help"), by setting. Only public articles: the acknowledgement may go to an address that has not
proven who it is, so nothing a company's own audience reads is ever put in it."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from deskline.knowledge.bot_policy import MIN_CONFIDENCE
from deskline.knowledge.search import search
from deskline.tickets.models import Ticket

SUGGESTED = 3


def ack_suggestions(ticket: Ticket, language: str) -> dict[str, Any]:
    """The `suggested_articles` of the acknowledgement: (title, link) of up to three confident
    public matches of the ticket's title, in the reader's language when it has them."""
    if not settings.DESKLINE_KB_SUGGEST_IN_ACK or not settings.DESKLINE_KB_PUBLIC:
        return {"suggested_articles": []}
    from deskline.notifications.context import base_url

    hits = [h for h in search(user=None, text=ticket.title, limit=6, language=language)
            if h.confidence >= MIN_CONFIDENCE] or [
        h for h in search(user=None, text=ticket.title, limit=6) if h.confidence >= MIN_CONFIDENCE
    ]  # fmt: skip
    base = base_url()
    return {"suggested_articles": [
        (h.article.title, f"{base}/portal/help/articles/{h.article.pk}/") for h in hits[:SUGGESTED]
    ]}  # fmt: skip
