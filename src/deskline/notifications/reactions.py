"""Which ticket events notify whom (registered in NotificationsConfig.ready()).

Handled kinds: created (acknowledgement to the contact), commented (an agent's public reply to
the contact; a client's reply to the assignee), status_changed (to the contact; "resolved"
carries the rating link), assigned (to the new assignee), and sla with
`data={"warning": "reaction" | "resolution", "due": ISO time, "minutes_left": int,
"recipient_user_id": optional int}` (to that user, else the company's manager, else the
team lead).
"""

from __future__ import annotations

from typing import Any

from deskline.accounts.models import User
from deskline.clients.models import Contact
from deskline.core.html import html_to_text
from deskline.notifications import selectors
from deskline.notifications.context import ticket_context
from deskline.notifications.models import Event
from deskline.notifications.services import notification_queue
from deskline.tickets.models import Comment, Ticket, TicketEvent

Kind = TicketEvent.Kind


def _address(channel: str, user: User | None, contact: Contact | None) -> str:
    if channel == "telegram":
        return contact.telegram if contact else ""
    if channel == "sms":
        return (contact.phone if contact else "") or (user.phone if user else "")
    return (contact.email if contact else "") or (user.email if user else "")


def _notify(
    event: TicketEvent,
    kind: str,
    *,
    user: User | None = None,
    contact: Contact | None = None,
    **extra: Any,
) -> None:
    enabled, channel = selectors.preference_for(user or (contact.user if contact else None), kind)
    if not enabled:
        return
    recipient = _address(channel, user, contact)
    if not recipient:
        return
    language = (contact.language if contact else "") or (user.language if user else "en")
    notification_queue(
        event=kind,
        recipient=recipient,
        context=ticket_context(event.ticket, **extra),
        language=language,
        ticket=event.ticket,
        channel=channel,
        dedupe_key=f"ev{event.pk}:{kind}:{recipient}"[:200],
    )


def _on_commented(event: TicketEvent, ticket: Ticket) -> None:
    comment = Comment.objects.filter(pk=event.data.get("comment_id")).first()
    if comment is None or not comment.is_public:
        return
    text = html_to_text(comment.body)
    if event.data.get("by_client") or comment.author is None:
        name = comment.author_contact.name if comment.author_contact else ""
        if ticket.assignee is not None:
            _notify(
                event,
                Event.CLIENT_REPLIED,
                user=ticket.assignee,
                comment_text=text,
                author_name=name,
            )
    elif ticket.contact is not None:
        name = comment.author.get_full_name() or comment.author.username
        _notify(
            event, Event.AGENT_REPLIED, contact=ticket.contact, comment_text=text, author_name=name
        )


def _sla_recipient(event: TicketEvent, ticket: Ticket) -> User | None:
    user_id = event.data.get("recipient_user_id")
    if user_id:
        return User.objects.filter(pk=user_id, is_active=True).first()
    if ticket.company is not None and ticket.company.manager is not None:
        return ticket.company.manager
    return ticket.team.lead if ticket.team is not None else None


def on_event(event: TicketEvent) -> None:
    ticket = event.ticket
    if event.kind == Kind.CREATED and ticket.contact is not None:
        _notify(event, Event.TICKET_CREATED, contact=ticket.contact)
    elif event.kind == Kind.COMMENTED:
        _on_commented(event, ticket)
    elif event.kind == Kind.STATUS_CHANGED and ticket.contact is not None:
        phase = (event.changes.get("phase") or [None, None])[1]
        kind = Event.TICKET_RESOLVED if phase == "resolved" else Event.STATUS_CHANGED
        _notify(event, kind, contact=ticket.contact)
    elif event.kind == Kind.ASSIGNED:
        assignee_id = (event.changes.get("assignee_id") or [None, None])[1]
        if assignee_id and assignee_id != event.actor_id:
            user = User.objects.filter(pk=assignee_id, is_active=True).first()
            _notify(event, Event.TICKET_ASSIGNED, user=user)
    elif event.kind == Kind.SLA:
        manager = _sla_recipient(event, ticket)
        data = event.data
        _notify(
            event,
            Event.SLA_WARNING,
            user=manager,
            warning=data.get("warning", ""),
            due=data.get("due", ""),
            minutes_left=data.get("minutes_left"),
        )
