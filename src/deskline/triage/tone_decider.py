"""Tone on the ticket: scored before a new ticket's INSERT, and for every client comment.

The "tone" decider (predict stage) scores the new ticket's title and description and adds the
facts `tone` (negative/neutral/positive), `tone.confidence`, `tone.angry` and `tone.urgent`
(true at probability 0.5 or more), so routing rules can send an angry VIP to the team lead.
Observers keep one `MessageTone` per inbound message: the ticket's own text at creation, and
each comment a client adds later. The same facts of the latest message describe a saved ticket
to automation triggers and SLA rules (`latest_tone_facts`, a registered fact source); those of
a client's new comment are known to the SLA's deriver before the observer stores them
(`comment_tone_facts`, a registered change fact source), so an angry reply can move the ticket
to a stricter policy in the comment's own write. A comment is scored once per write: the
scores of the last texts are kept (`_scored`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

from deskline.core.html import html_to_text
from deskline.core.inserts import insert
from deskline.tickets.models import Comment, Ticket, TicketEvent
from deskline.tickets.payloads import Commented, Created
from deskline.tickets.recent import comment_body
from deskline.triage.models import MessageTone
from deskline.triage.thresholds import FLAG_AT

if TYPE_CHECKING:
    from deskline.tickets.payloads import Payload
    from deskline.triage.tone import Tone


def tone_decide(ticket: Ticket, facts: dict[str, Any]) -> dict[str, Any] | None:
    if not settings.DESKLINE_TRIAGE_TONE:
        return None
    # The model (a few MB once read) is read by the processes that score tone, not by every
    # process that loads the apps (the scheduler, commands).
    from deskline.triage.tone import tone_of

    scored = tone_of(str(facts.get("text") or ticket.title))
    facts.update(_facts(scored.tone, scored.confidence, scored.angry, scored.urgent))
    return scored.as_data()


def tone_warm() -> None:
    """Read the tone model now rather than at the first message a long-running process
    handles."""
    if settings.DESKLINE_TRIAGE_TONE:
        from deskline.triage.tone import default_model

        default_model()


def _facts(tone: str, confidence: float, angry: float, urgent: float) -> dict[str, Any]:
    return {"tone": tone, "tone.confidence": confidence, "tone.angry": angry >= FLAG_AT,
            "tone.urgent": urgent >= FLAG_AT}  # fmt: skip


def latest_tone_facts(ticket: Ticket) -> dict[str, Any]:
    """The tone facts of a saved ticket's latest inbound message (none if it has no tone), so
    automation triggers can react to an angry reply as routing reacts to an angry request."""
    latest = (
        MessageTone.objects.filter(ticket_id=ticket.pk)
        .order_by("-created_at", "-pk")
        .values_list("tone", "confidence", "angry", "urgent")
        .first()
    )
    return _facts(*latest) if latest else {}


@lru_cache(maxsize=32)
def _scored(text: str) -> Tone:
    # The deriver, the SLA's observer and the tone's observer read one comment in one write.
    from deskline.triage.tone import tone_of  # see tone_decide

    return tone_of(text)


def _client_comment_tone(payload: Payload) -> Tone | None:
    if not (isinstance(payload, Commented) and payload.by_client):
        return None
    if not settings.DESKLINE_TRIAGE_TONE:
        return None
    body = comment_body(payload.comment_id)  # just written in this write: no read back
    if body is None:
        body = Comment.objects.filter(pk=payload.comment_id).values_list("body", flat=True).first()
    return _scored(html_to_text(body)) if body else None


def comment_tone_facts(ticket: Ticket, payload: Payload) -> dict[str, Any]:
    """The tone facts of a client's new comment ({} for any other change)."""
    scored = _client_comment_tone(payload)
    if scored is None:
        return {}
    return _facts(scored.tone, scored.confidence, scored.angry, scored.urgent)


def tones_on_event(event: TicketEvent) -> None:
    """The in-transaction observer: store the tone of a new ticket and of a client's comment."""
    payload = event.payload
    if isinstance(payload, Created):
        scored = payload.decisions.get("tone")
        if scored:  # inside the create's write lock: the lean INSERT
            insert(MessageTone(
                ticket_id=event.ticket_id, tone=scored["tone"], confidence=scored["confidence"],
                angry=scored["angry"], urgent=scored["urgent"], created_at=event.created_at,
            ))  # fmt: skip
    elif isinstance(payload, Commented):
        scored_comment = _client_comment_tone(payload)
        if scored_comment is not None:
            MessageTone.objects.create(
                ticket_id=event.ticket_id, comment_id=payload.comment_id,
                tone=scored_comment.tone, confidence=scored_comment.confidence,
                angry=scored_comment.angry, urgent=scored_comment.urgent,
                created_at=event.created_at,
            )  # fmt: skip
