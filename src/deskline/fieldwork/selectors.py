"""Reads of the fieldwork app: a ticket's checklists and time, and time totals per person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Prefetch, Q, QuerySet, Sum

from deskline.accounts.models import User
from deskline.core import refcache
from deskline.core.permissions import require_staff
from deskline.core.prepared import PreparedQuery
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
from deskline.tickets.models import Ticket


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
    return ticket_work_of(user=user, ticket=ticket_get_visible(user, number))


def _checklists_query(*, ticket_id: int) -> QuerySet[TicketChecklist]:
    return TicketChecklist.objects.filter(ticket_id=ticket_id).prefetch_related(
        Prefetch("items", queryset=TicketChecklistItem.objects.select_related("done_by"))
    )


def _time_query(*, ticket_id: int, user_id: int) -> QuerySet[TimeEntry]:
    # The ticket's time and the viewer's running stopwatch (on any ticket) in one query.
    return TimeEntry.objects.filter(
        Q(ticket_id=ticket_id, minutes__isnull=False) | Q(user_id=user_id, minutes__isnull=True)
    ).select_related("user", "ticket")


def _visits_query(*, ticket_id: int) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(ticket_id=ticket_id)
        .select_related("site", "signature")
        .prefetch_related(
            "engineers",
            "photos__attachment",
            Prefetch("actions", queryset=VisitAction.objects.exclude(outcome="applied")),
        )
    )


#: Compiled once per process (`core.prepared`): every ticket page reads them.
_CHECKLISTS: PreparedQuery[TicketChecklist] = PreparedQuery(_checklists_query, plan_once=True)
_TIME: PreparedQuery[TimeEntry] = PreparedQuery(_time_query, plan_once=True)
_VISITS: PreparedQuery[Visit] = PreparedQuery(_visits_query, plan_once=True)


def ticket_work_of(*, user: User, ticket: Ticket) -> TicketWork:
    """`ticket_work_for` a ticket the caller has already read as one `user` may see."""
    require_staff(user)
    checklists = _CHECKLISTS.all(ticket_id=ticket.pk)
    rows = _TIME.all(ticket_id=ticket.pk, user_id=user.pk)
    entries = [e for e in rows if e.minutes is not None]
    running = next((e for e in rows if e.minutes is None), None)
    return TicketWork(
        checklists=checklists,
        entries=entries,
        total_minutes=sum(e.minutes or 0 for e in entries),
        billable_minutes=sum(e.minutes or 0 for e in entries if e.billable),
        running=running,
        visits=_VISITS.all(ticket_id=ticket.pk),
        engineers=engineers_cached(),
    )


def engineers_cached() -> list[EngineerProfile]:
    """The active field engineers a visit may be planned for (cached with the reference data:
    a change of a profile or of a user bumps it)."""

    def load() -> list[EngineerProfile]:
        return list(
            EngineerProfile.objects.filter(is_active=True, user__is_active=True).select_related(
                "user"
            )
        )

    return refcache.cached("fieldwork.engineers", load)


def checklist_templates() -> list[ChecklistTemplate]:
    """The active checklist templates by name (cached with the reference data)."""

    def load() -> list[ChecklistTemplate]:
        return list(ChecklistTemplate.objects.filter(is_active=True).order_by("name"))

    return refcache.cached("fieldwork.checklist_templates", load)


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


K = TypeVar("K")


@dataclass(frozen=True)
class WorkDone:
    """What was done on some tickets, as an act prints it: visits with their times and the
    checklist steps done, and the client's last signature from a visit."""

    lines: list[dict[str, str]]
    signature_png: bytes | None
    signed_by: str


def work_done_on(ticket_ids: list[int], zone: str) -> WorkDone:
    """Finished visits and done checklist steps of the tickets, oldest first (three queries)."""
    return work_done_by_group({0: ticket_ids}, zone)[0]


def work_done_by_group(groups: Mapping[K, Sequence[int]], zone: str) -> dict[K, WorkDone]:
    """`work_done_on` for many groups of tickets at once (e.g. a batch of acts): the same
    three queries for all of them, plus one file read per group signed on site."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    all_ids = sorted({pk for ids in groups.values() for pk in ids})
    lines: list[tuple[dt.datetime, int, dict[str, str]]] = []
    visits = list(Visit.objects.filter(ticket_id__in=all_ids, status="done")
                  .select_related("ticket", "site", "signature")
                  .prefetch_related("engineers").order_by("checked_in_at", "pk"))  # fmt: skip
    for v in visits:
        begins = (v.checked_in_at or v.planned_start).astimezone(tz)
        ends = (v.checked_out_at or v.planned_end).astimezone(tz)
        crew = ", ".join(e.get_full_name() or e.username for e in v.engineers.all())
        lines.append((begins, v.ticket_id, {"ticket": str(v.ticket.number),
                                            "date": begins.date().isoformat(),
                                            "text": f"{v.site.name}: {begins:%H:%M}–{ends:%H:%M}, {crew}"}))  # fmt: skip
    steps = (TicketChecklistItem.objects.filter(checklist__ticket_id__in=all_ids,
                                                done_at__isnull=False)
             .values_list("checklist__ticket_id", "checklist__ticket__number", "done_at", "text",
                          "value", "kind"))  # fmt: skip
    for ticket_id, number, done_at, text, value, kind in steps:
        if done_at is None:
            continue
        shown = f"{text}: {value}" if value and kind != "photo" else text
        lines.append((done_at, ticket_id, {"ticket": str(number),
                                           "date": done_at.astimezone(tz).date().isoformat(),
                                           "text": f"✓ {shown}"}))  # fmt: skip
    lines.sort(key=lambda row: row[0])  # stable: a group's lines keep their relative order
    done = {}
    for key, ids in groups.items():
        wanted = set(ids)
        signed = [v for v in visits if v.ticket_id in wanted and v.signature is not None]
        png, name = None, ""
        if signed:
            last = signed[-1]
            assert last.signature is not None
            with last.signature.file.open("rb") as handle:
                png = handle.read()
            name = last.signed_by
        done[key] = WorkDone([line for _, t, line in lines if t in wanted], png, name)
    return done
