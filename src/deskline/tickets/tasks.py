"""Background jobs of the tickets app: dispatching events, and the sweeper behind it."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from deskline.tickets.events import event_dispatch, events_sweep


@task()
def ticket_event_dispatch(*, event_id: int) -> bool:
    with transaction.atomic():
        return event_dispatch(event_id)


@task()
def ticket_events_sweep() -> dict[str, int]:
    """Dispatch events left undispatched (a worker died mid-dispatch), retry failed reactions."""
    return events_sweep()
