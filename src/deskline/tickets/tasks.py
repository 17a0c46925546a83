"""Background jobs of the tickets app: dispatching events, the sweeper behind it, and the
refresh of the shared view counts."""

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


@task()
def view_counts_refresh() -> bool:
    """Count the shared view counts before the pages would (`core.schedule` runs it every half
    staleness when the cache is shared, i.e. with REDIS_URL); False if a page is counting."""
    from deskline.tickets.saved_views import shared_counts_refresh_locked

    return shared_counts_refresh_locked()
