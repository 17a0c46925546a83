"""What a row of the desk's ticket list shows, formatted once per row in Python.

A list page renders 50 rows. Computed by template filters (dates in the viewer's zone, the SLA
time left, localised names, translated words), a row cost about 0.4 ms of template work; here
each row's cells become plain strings in one pass, so the row template only prints them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from deskline.desk.templatetags.desk_tags import local_name, sla_time_left, sla_urgency, user_label
from deskline.tickets.models import Ticket


@dataclass(frozen=True)
class RowCells:
    status: str
    priority: str
    team: str
    assignee: str
    sla_class: str
    sla_left: str
    due: str  # the resolution deadline, "" when none
    updated_iso: str
    updated: str


def _local(value: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return timezone.localtime(value, zone)


def attach_row_cells(tickets: Iterable[Ticket], *, now: dt.datetime | None = None) -> None:
    """Set `ticket.cells` (a `RowCells`) on each ticket of a list page, in the active zone."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    unassigned = _("unassigned")
    for ticket in tickets:
        updated = _local(ticket.updated_at, zone)
        due = ticket.resolution_due
        ticket.cells = RowCells(  # type: ignore[attr-defined]
            status=local_name(ticket.status),
            priority=local_name(ticket.priority),
            team=local_name(ticket.team) or "—",
            assignee=user_label(ticket.assignee) or unassigned,
            sla_class=f"sla-{sla_urgency(ticket, now)}",
            sla_left=sla_time_left(ticket, now) or "—",
            due=_local(due, zone).strftime("%d.%m.%Y %H:%M") if due else "",
            updated_iso=updated.isoformat(),
            updated=updated.strftime("%d.%m %H:%M"),
        )
