"""In-transaction observers: what must commit or roll back with a ticket change itself.

An observer is `fn(event)`, called right after each `TicketEvent` is written, inside the
writer's transaction. The event's ticket holds the finished values (the service has applied
every decision already), so an observer never calls back into the ticket services, never
writes the ticket, and does not depend on other observers' order. It may write its own tables
(the SLA app keeps its status periods and pause bookkeeping this way). A raising observer
aborts the change. Anything that may be late (mail, webhooks, automation, reports) reacts
asynchronously through `events.on_ticket_event` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deskline.tickets.models import TicketEvent

Observer = Callable[["TicketEvent"], None]
_observers: dict[str, Observer] = {}


def ticket_observer(name: str) -> Callable[[Observer], Observer]:
    """Register `fn(event)` under a unique name (registering again replaces it)."""

    def register(fn: Observer) -> Observer:
        _observers[name] = fn
        return fn

    return register


def remove_observer(name: str) -> None:
    _observers.pop(name, None)


def notify_observers(event: TicketEvent) -> None:
    for fn in list(_observers.values()):
        fn(event)
