"""Tone on the ticket: scored before a new ticket's INSERT, and for every client comment.

The "tone" decider (predict stage) scores the new ticket's title and description and adds the
facts `tone` (negative/neutral/positive), `tone.confidence`, `tone.angry` and `tone.urgent`
(true at probability 0.5 or more), so routing rules can send an angry VIP to the team lead.
Observers keep one `MessageTone` per inbound message: the ticket's own text at creation, and
each comment a client adds later.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from deskline.core.html import html_to_text
from deskline.tickets.models import Comment, Ticket, TicketEvent
from deskline.tickets.payloads import Commented, Created
from deskline.triage.models import MessageTone


def tone_decide(ticket: Ticket, facts: dict[str, Any]) -> dict[str, Any] | None:
    if not settings.DESKLINE_TRIAGE_TONE:
        return None
    # scikit-learn (~140 MB with NumPy and SciPy) is loaded by the processes that score tone,
    # not by every process that loads the apps (the task worker, the scheduler, commands).
    from deskline.triage.tone import FLAG_AT, tone_of

    scored = tone_of(str(facts.get("text") or ticket.title))
    facts["tone"] = scored.tone
    facts["tone.confidence"] = scored.confidence
    facts["tone.angry"] = scored.angry >= FLAG_AT
    facts["tone.urgent"] = scored.urgent >= FLAG_AT
    return scored.as_data()


def tones_on_event(event: TicketEvent) -> None:
    """The in-transaction observer: store the tone of a new ticket and of a client's comment."""
    payload = event.payload
    if isinstance(payload, Created):
        scored = payload.decisions.get("tone")
        if scored:
            MessageTone.objects.create(
                ticket_id=event.ticket_id, tone=scored["tone"], confidence=scored["confidence"],
                angry=scored["angry"], urgent=scored["urgent"], created_at=event.created_at,
            )  # fmt: skip
    elif isinstance(payload, Commented) and payload.by_client and settings.DESKLINE_TRIAGE_TONE:
        body = Comment.objects.filter(pk=payload.comment_id).values_list("body", flat=True).first()
        if body:
            from deskline.triage.tone import tone_of  # see tone_decide

            scored_comment = tone_of(html_to_text(body))
            MessageTone.objects.create(
                ticket_id=event.ticket_id, comment_id=payload.comment_id,
                tone=scored_comment.tone, confidence=scored_comment.confidence,
                angry=scored_comment.angry, urgent=scored_comment.urgent,
                created_at=event.created_at,
            )  # fmt: skip
