"""Reads of the fieldwork app: a ticket's checklists and time, and time totals per person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Sum

from deskline.accounts.models import User
from deskline.core.permissions import require_staff
from deskline.fieldwork.models import (
    ChecklistTemplate,
    EngineerProfile,
    TicketChecklist,
    TicketChecklistItem,
    TimeEntry,
    Visit,
    VisitAction,
)
from deskline.tickets.access import ticket_get_visible, tickets_visible_to


@dataclass(frozen=True)
class TicketWork:
    checklists: list[TicketChecklist]
    entries: list[TimeEntry]
    total_minutes: int
    billable_minutes: int
    running: TimeEntry | None
    visits: list[Visit] = field(default_factory=list)
    engineers: list[EngineerProfile] = field(default_factory=list)


def ticket_work_for(*, user: User, number: int) -> TicketWork:
    """A ticket's checklists with their steps, its time entries and totals, its visits (with their
    crews, photos and the phone actions that did not apply cleanly) and the field engineers."""
    require_staff(user)
    ticket = ticket_get_visible(user, number)
    checklists = list(
        TicketChecklist.objects.filter(ticket=ticket).prefetch_related(
            Prefetch("items", queryset=TicketChecklistItem.objects.select_related("done_by"))
        )
    )
    entries = list(
        TimeEntry.objects.filter(ticket=ticket, minutes__isnull=False).select_related("user")
    )
    running = TimeEntry.objects.filter(user=user, minutes__isnull=True).select_related(
        "ticket").first()  # fmt: skip
    return TicketWork(
        checklists=checklists,
        entries=entries,
        total_minutes=sum(e.minutes or 0 for e in entries),
        billable_minutes=sum(e.minutes or 0 for e in entries if e.billable),
        running=running,
        visits=list(
            Visit.objects.filter(ticket=ticket)
            .select_related("site", "signature")
            .prefetch_related(
                "engineers",
                "photos__attachment",
                Prefetch("actions", queryset=VisitAction.objects.exclude(outcome="applied")),
            )
        ),
        engineers=list(
            EngineerProfile.objects.filter(is_active=True, user__is_active=True).select_related(
                "user"
            )
        ),
    )


def checklist_templates() -> list[ChecklistTemplate]:
    return list(ChecklistTemplate.objects.filter(is_active=True).order_by("name"))


def time_per_user(*, user: User, start: dt.date, end: dt.date) -> list[dict[str, object]]:
    """Minutes per person over the tickets `user` sees, in a period (UTC days)."""
    require_staff(user)
    rows = (
        TimeEntry.objects.filter(
            ticket__in=tickets_visible_to(user), minutes__isnull=False,
            started_at__date__gte=start, started_at__date__lte=end,
        )
        .values("user_id", "user__username")
        .annotate(minutes=Sum("minutes"))
        .order_by("-minutes")
    )  # fmt: skip
    return [{"user_id": r["user_id"], "username": r["user__username"], "minutes": r["minutes"]}
            for r in rows]  # fmt: skip
