"""Which ticket events notify whom (registered in NotificationsConfig.ready()).

Each handled kind is read through its typed payload: created (acknowledgement to the contact),
commented (an agent's public reply to the contact; a client's reply to the assignee; never for
an unverified sender), status_changed (to the contact; "resolved" carries the rating link),
assigned (to the new assignee), sla (an SlaWarning: to each of its `recipients`, whom the
producer chose; a breach-risk warning that found the team short of agents says how many to add
and when, in the reader's language and time zone). A deadline set by hand is not a warning and notifies nobody by itself.
"""

from __future__ import annotations

from typing import Any

from deskline.accounts.models import User
from deskline.clients.models import Contact
from deskline.core.html import html_to_text
from deskline.core.staffing_advice import staffing_note
from deskline.notifications import selectors
from deskline.notifications.context import provided_context, ticket_context
from deskline.notifications.models import Event
from deskline.notifications.senders import address_for, channels_available
from deskline.notifications.services import notification_queue
from deskline.tickets.models import Comment, Ticket, TicketEvent
from deskline.tickets.payloads import Assigned, Commented, Created, SlaWarning, StatusChanged


def _address(channel: str, user: User | None, contact: Contact | None) -> str:
    registered = address_for(channel, user, contact)
    if registered is not None:
        return registered
    if channel == "telegram":
        return contact.telegram if contact else ""
    if channel == "sms":  # the E.164 form when the contact's number is readable
        own = (contact.phone_normalized or contact.phone) if contact else ""
        return own or (user.phone if user else "")
    return (contact.email if contact else "") or (user.email if user else "")


def event_notify(
    event: TicketEvent,
    kind: str,
    *,
    user: User | None = None,
    contact: Contact | None = None,
    **extra: Any,
) -> None:
    """Queue notification `kind` about `event` to a user or a contact, on the channel they prefer
    (mail when that channel is missing here or they have no address on it)."""
    enabled, channel = selectors.preference_for(user or (contact.user if contact else None), kind)
    if not enabled:
        return
    recipient = _address(channel, user, contact) if channel in channels_available() else ""
    if not recipient and channel != "email":
        # No such channel here, or no address on it: never drop the notification, mail it.
        channel, recipient = "email", _address("email", user, contact)
    if not recipient:
        return
    language = (contact.language if contact else "") or (user.language if user else "en")
    notification_queue(
        event=kind,
        recipient=recipient,
        context=ticket_context(event.ticket, language=language, **extra),
        language=language,
        ticket=event.ticket,
        channel=channel,
        dedupe_key=f"ev{event.pk}:{kind}:{recipient}"[:200],
    )


def _on_commented(event: TicketEvent, ticket: Ticket, payload: Commented) -> None:
    comment = Comment.objects.filter(pk=payload.comment_id).first()
    if comment is None or not comment.is_public or not payload.sender_verified:
        return
    text = html_to_text(comment.body)
    if payload.by_client or comment.author is None:
        name = comment.author_contact.name if comment.author_contact else ""
        if ticket.assignee is not None:
            event_notify(
                event,
                Event.CLIENT_REPLIED,
                user=ticket.assignee,
                comment_text=text,
                author_name=name,
            )
    elif ticket.contact is not None:
        name = comment.author.get_full_name() or comment.author.username
        event_notify(
            event, Event.AGENT_REPLIED, contact=ticket.contact, comment_text=text, author_name=name
        )


#: What a warning is about, in the reader's words (a Russian mail showed the code breach_risk).
WARNING_WORDS = {
    "en": {"reaction": "reaction", "resolution": "resolution", "breach_risk": "breach risk"},
    "ru": {"reaction": "реакция", "resolution": "решение", "breach_risk": "риск нарушения срока"},
}


def _on_sla_warning(event: TicketEvent, payload: SlaWarning) -> None:
    """Tell each person the producer chose (assignee, team lead, manager, ...)."""
    users = User.objects.filter(pk__in=payload.recipients, is_active=True).order_by("pk")
    for user in users:
        words = WARNING_WORDS.get(user.language, WARNING_WORDS["en"])
        event_notify(
            event,
            Event.SLA_WARNING,
            user=user,
            warning=words.get(payload.deadline, payload.deadline.replace("_", " ")),
            step=payload.step_name,
            due=payload.due.isoformat() if payload.due else "",
            minutes_left=payload.minutes_left,
            risk=payload.risk,
            staffing=staffing_note(
                team=payload.staffing_team,
                start=payload.staffing_start,
                end=payload.staffing_end,
                missing=payload.staffing_missing,
                language=user.language,
                time_zone=user.time_zone,
            ),  # fmt: skip
        )


def on_event(event: TicketEvent) -> None:
    ticket, payload = event.ticket, event.payload
    if isinstance(payload, Created) and ticket.contact is not None:
        extra = provided_context(Event.TICKET_CREATED, ticket, ticket.contact.language)
        event_notify(event, Event.TICKET_CREATED, contact=ticket.contact, **extra)
    elif isinstance(payload, Commented):
        _on_commented(event, ticket, payload)
    elif isinstance(payload, StatusChanged) and ticket.contact is not None:
        if payload.phase[1] == "resolved":
            extra = provided_context(Event.TICKET_RESOLVED, ticket, ticket.contact.language)
            event_notify(event, Event.TICKET_RESOLVED, contact=ticket.contact, **extra)
        else:
            event_notify(event, Event.STATUS_CHANGED, contact=ticket.contact)
    elif isinstance(payload, Assigned) and payload.assignee_id is not None:
        assignee_id = payload.assignee_id[1]
        if assignee_id and assignee_id != event.actor_id:
            user = User.objects.filter(pk=assignee_id, is_active=True).first()
            event_notify(event, Event.TICKET_ASSIGNED, user=user)
    elif isinstance(payload, SlaWarning):
        _on_sla_warning(event, payload)
