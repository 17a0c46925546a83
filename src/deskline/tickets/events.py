"""Recording ticket events and dispatching them to the reactions registered by other apps.

`event_record` writes the append-only row and enqueues its dispatch job in the caller's
transaction, so the job exists exactly when the change does. Reactions (notifications,
automation, webhooks, SLA) register a handler with `on_ticket_event`; the job claims the event
with a compare-and-set, so a job that runs twice dispatches once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from deskline.accounts.models import User
from deskline.core.inserts import insert
from deskline.core.jobs import enqueue
from deskline.tickets.models import Ticket, TicketEvent

logger = logging.getLogger(__name__)

EventHandler = Callable[[TicketEvent], None]
_handlers: list[tuple[str, EventHandler]] = []


def on_ticket_event(name: str) -> Callable[[EventHandler], EventHandler]:
    """Register a reaction to every dispatched ticket event (by a unique name)."""

    def register(handler: EventHandler) -> EventHandler:
        _handlers[:] = [(n, h) for n, h in _handlers if n != name]
        _handlers.append((name, handler))
        return handler

    return register


def remove_handler(name: str) -> None:
    _handlers[:] = [(n, h) for n, h in _handlers if n != name]


def event_record(
    *,
    ticket: Ticket,
    kind: str,
    actor: User | None,
    channel: str = "",
    changes: dict[str, list[Any]] | None = None,
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    from deskline.tickets.hooks import run_hooks
    from deskline.tickets.tasks import ticket_event_dispatch

    event = TicketEvent(
        ticket=ticket,
        kind=kind,
        actor=actor,
        channel=channel,
        changes=changes or {},
        data=data or {},
        created_at=timezone.now(),
    )
    insert(event)
    enqueue(ticket_event_dispatch, event_id=event.pk)
    run_hooks(event)
    return event


def event_dispatch(event_id: int) -> bool:
    """Run every registered handler for the event once; False if it was already dispatched."""
    claimed = TicketEvent.objects.filter(pk=event_id, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now()
    )
    if not claimed:
        return False
    event = TicketEvent.objects.select_related("ticket", "actor").get(pk=event_id)
    for name, handler in list(_handlers):
        try:
            handler(event)
        except Exception:
            # One broken reaction must not stop the others; each handler owns its retries.
            logger.exception("ticket event handler %s failed for event %s", name, event_id)
    return True
