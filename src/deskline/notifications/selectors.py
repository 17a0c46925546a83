"""Reads for notifications: templates, preferences, and the Message-IDs of a ticket's thread."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from deskline.accounts.models import User
from deskline.notifications.defaults import DEFAULT_TEMPLATES
from deskline.notifications.models import NotificationPreference, NotificationTemplate, Outbox
from deskline.tickets.models import Comment, Ticket


def template_for(event: str, language: str) -> tuple[str, str]:
    """(subject, body) for the event in the language, else English, else the shipped default."""
    for lang in dict.fromkeys([language or "en", "en"]):
        row = NotificationTemplate.objects.filter(event=event, language=lang).first()
        if row is not None:
            return row.subject, row.body
        if (event, lang) in DEFAULT_TEMPLATES:
            return DEFAULT_TEMPLATES[(event, lang)]
    raise LookupError(f"no template for {event}")


def preference_for(user: User | None, event: str) -> tuple[bool, str]:
    """(enabled, channel) of the user's choice for the event; on by email when unset."""
    if user is None:
        return True, "email"
    row = NotificationPreference.objects.filter(user=user, event=event).first()
    return (True, "email") if row is None else (row.enabled, row.channel)


MessageSource = Callable[[Ticket], Iterable[tuple[datetime, str]]]
_thread_sources: dict[str, MessageSource] = {}


def thread_source(name: str) -> Callable[[MessageSource], MessageSource]:
    """Register `fn(ticket) -> [(time, message_id), ...]`: mail of the ticket another app keeps
    (mail intake registers the inbound messages)."""

    def register(fn: MessageSource) -> MessageSource:
        _thread_sources[name] = fn
        return fn

    return register


def _comment_and_outbox_ids(ticket: Ticket) -> Iterable[tuple[datetime, str]]:
    yield from (
        Comment.objects.filter(ticket=ticket)
        .exclude(message_id="")
        .values_list("created_at", "message_id")
    )
    yield from (
        Outbox.objects.filter(ticket=ticket, channel="email")
        .exclude(message_id="")
        .values_list("created_at", "message_id")
    )


thread_source("notifications")(_comment_and_outbox_ids)


def thread_message_ids(ticket: Ticket, limit: int = 20) -> list[str]:
    """The ticket's mail thread, oldest first: inbound mail, comments from mail and our mail."""
    stamped = [pair for source in _thread_sources.values() for pair in source(ticket)]
    stamped.sort(key=lambda pair: pair[0])
    ordered = list(dict.fromkeys(m for _, m in stamped))
    # Keep the root: it is what mail clients thread on when the middle is cut.
    return ordered if len(ordered) <= limit else [ordered[0], *ordered[-(limit - 1) :]]
