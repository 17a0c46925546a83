"""Background jobs of the tickets app."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from deskline.tickets.events import event_dispatch


@task()
def ticket_event_dispatch(*, event_id: int) -> bool:
    with transaction.atomic():
        return event_dispatch(event_id)
