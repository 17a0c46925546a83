"""What the what-if replays share: who may run one, the window, and the tickets in it."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from deskline.accounts.models import User
from deskline.core.errors import ValidationFailed
from deskline.core.permissions import require_admin
from deskline.tickets.models import Ticket

MAX_TICKETS = 5000
MAX_DAYS = 366
#: What `tickets.facts.ticket_facts` reads of a ticket: fetched with it, not per ticket.
FACT_RELATIONS = ("company__category", "site", "equipment__kind", "category", "team", "type",
                  "priority", "status")  # fmt: skip


def replay_since(*, actor: User, days: int) -> dt.datetime:
    """The start of the replayed window; admins only, 1 to 366 days."""
    require_admin(actor)
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed("days out of range", fields={"days": f"between 1 and {MAX_DAYS}"})
    return timezone.now() - dt.timedelta(days=days)


def recent_tickets(since: dt.datetime) -> list[Ticket]:
    """The newest tickets created since `since` (at most MAX_TICKETS), with their facts' rows."""
    rows: QuerySet[Ticket] = Ticket.objects.filter(created_at__gte=since)
    return list(rows.select_related(*FACT_RELATIONS).order_by("-created_at")[:MAX_TICKETS])
