"""Reads for the SLA API: configuration, a ticket's SLA details, overdue and at-risk lists."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull
from django.utils import timezone

from deskline.accounts.models import User
from deskline.clients.models import Company
from deskline.core.errors import ValidationFailed
from deskline.core.permissions import require_staff
from deskline.sla import resolve
from deskline.sla.clock import working_minutes_between
from deskline.sla.deadlines import deadline
from deskline.sla.engine import calendar_of, is_pausing, state_of
from deskline.sla.matching import TicketFacts
from deskline.sla.models import TicketSla, TicketStatusPeriod
from deskline.tickets.access import ticket_get_visible, tickets_visible_to
from deskline.tickets.conditions import CountingPart
from deskline.tickets.models import OPEN_PHASES, Priority, Ticket
from deskline.tickets.selectors import list_rows

#: Tickets due within this wall-clock window count as at risk even before a risk is computed.
AT_RISK_WINDOW = dt.timedelta(hours=4)
STATES = ("overdue", "at_risk")


def overdue_filter(now: dt.datetime) -> Q:
    """Open, not paused, past its resolution deadline or unanswered past its reaction one.

    Like `at_risk_filter`, the two deadlines are a UNION of ids, each read through its own
    index (`ticket_phase_due`, `ticket_open_unreacted_due`), and paused tickets are left out
    by an anti-join on each candidate: the OR and the outer join made PostgreSQL read every
    open ticket and every SLA row (816 ms for a capped count at a million tickets).
    """
    open_late = Ticket.objects.filter(phase__in=OPEN_PHASES).order_by()
    late = (
        open_late.filter(resolution_due__lt=now)
        .values("id")
        .union(open_late.filter(reacted_at__isnull=True, reaction_due__lt=now).values("id"))
    )
    paused = TicketSla.objects.filter(ticket_id=OuterRef("pk"), paused_since__isnull=False)
    return Q(Q(phase__in=OPEN_PHASES), Q(pk__in=late), ~Exists(paused))


def overdue_row(now: dt.datetime) -> Q:
    """`overdue_filter` as a condition on each row: cheap to negate row by row (the UNION of
    ids is for finding the overdue tickets, not for leaving them out)."""
    late = Q(resolution_due__lt=now) | Q(reacted_at__isnull=True, reaction_due__lt=now)
    return Q(phase__in=OPEN_PHASES) & Q(sla__paused_since__isnull=True) & late


def _not_paused() -> Q:
    """Not paused, the pause read by primary key for each row: a scalar subquery (PostgreSQL
    would turn an anti-join into a hash join over every SLA row), as a boolean that PostgreSQL
    guesses true half the time (guessing "IS NULL" of a subquery true for 0.5% of the rows, it
    would read every late ticket to sort them rather than stop at the cap)."""
    running = ExpressionWrapper(Q(paused_since__isnull=True), output_field=BooleanField())
    state = TicketSla.objects.filter(ticket_id=OuterRef("pk")).annotate(running=running)
    return Q(Coalesce(Subquery(state.values("running")[:1]), True))


def _running() -> Q:
    return Q(phase__in=OPEN_PHASES) & _not_paused()


def overdue_parts(now: dt.datetime) -> list[CountingPart]:
    """`overdue_filter` as two disjoint parts, for counting per team (`tickets.conditions`):
    past the resolution deadline, read in deadline order through `ticket_open_team_due`; and
    unanswered past the reaction deadline but not past the resolution one, through
    `ticket_open_team_unreacted`. Each row read has its pause looked up by key, so a capped
    count stops after about the cap."""
    late_resolution = _running() & Q(resolution_due__lt=now)
    late_reaction = (
        _running()
        & Q(reacted_at__isnull=True, reaction_due__lt=now)
        & (Q(resolution_due__gte=now) | Q(resolution_due__isnull=True))
    )
    return [
        CountingPart(late_resolution, walk="resolution_due"),
        CountingPart(late_reaction, walk="reaction_due"),
    ]


def at_risk_parts(now: dt.datetime) -> list[CountingPart]:
    """`at_risk_filter` as one counting part: the team's open tickets read latest resolution
    deadline first (`ticket_open_team_due`), so the ones not yet late come first; each row's
    SLA state (pause, predicted risk) looked up by key."""
    state = TicketSla.objects.filter(ticket_id=OuterRef("pk"))
    predicted = state.filter(breach_risk__gte=F("policy__risk_threshold")).values("pk")[:1]
    due_soon = Q(resolution_due__gte=now, resolution_due__lt=now + AT_RISK_WINDOW)
    late = Q(resolution_due__lt=now) | Q(reacted_at__isnull=True, reaction_due__lt=now)
    # Overdue among the open ones: without the phase, so that the negation below still lets
    # the partial index of open tickets answer without reading the rows.
    overdue = _not_paused() & late
    at_risk = (
        Q(phase__in=OPEN_PHASES) & (Q(IsNull(Subquery(predicted), False)) | due_soon) & ~overdue
    )
    return [CountingPart(at_risk, walk="-resolution_due")]


def at_risk_filter(now: dt.datetime) -> Q:
    """Open, not overdue, and either predicted to breach or due within AT_RISK_WINDOW.

    The two reasons are a UNION of ids, each read through its own index, rather than an OR
    across two tables: PostgreSQL can only scan every ticket for the OR (270 ms at a million
    tickets for a capped count, against 4 ms this way).
    """
    predicted = (
        TicketSla.objects.filter(breach_risk__gte=F("policy__risk_threshold"))
        .order_by()
        .values("ticket_id")
    )
    due_soon = (
        Ticket.objects.filter(
            phase__in=OPEN_PHASES, resolution_due__gte=now, resolution_due__lt=now + AT_RISK_WINDOW
        )
        .order_by()
        .values("id")
    )
    return Q(phase__in=OPEN_PHASES) & Q(pk__in=predicted.union(due_soon)) & ~overdue_row(now)


def at_risk_row(now: dt.datetime) -> Q:
    """`at_risk_filter` as a condition on each row, for testing a few tickets already found."""
    predicted = Q(sla__breach_risk__gte=F("sla__policy__risk_threshold"))
    due_soon = Q(resolution_due__gte=now, resolution_due__lt=now + AT_RISK_WINDOW)
    return Q(phase__in=OPEN_PHASES) & (predicted | due_soon) & ~overdue_row(now)


def sla_state_filter(state: str, now: dt.datetime | None = None) -> Q:
    """A ticket filter for `?state=overdue|at_risk` (tickets/api.py may reuse it)."""
    now = now or timezone.now()
    if state == "overdue":
        return overdue_filter(now)
    if state == "at_risk":
        return at_risk_filter(now)
    raise ValidationFailed("unknown state", fields={"state": "overdue or at_risk"})


@dataclass(frozen=True)
class Page:
    items: list[Ticket]
    next_cursor: str | None


def _encode(due: dt.datetime | None, row_id: int) -> str:
    raw = f"{due.isoformat() if due else ''}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[dt.datetime | None, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        due, _, row_id = text.partition("|")
        return (dt.datetime.fromisoformat(due) if due else None), int(row_id)
    except (ValueError, binascii.Error) as exc:
        raise ValidationFailed("bad cursor", fields={"cursor": "not valid"}) from exc


def sla_ticket_list(*, user: User, state: str, cursor: str = "", limit: int = 50) -> Page:
    """Visible overdue or at-risk tickets, the most urgent resolution deadline first."""
    require_staff(user)
    queryset: QuerySet[Ticket] = tickets_visible_to(user).filter(sla_state_filter(state))
    queryset = queryset.exclude(resolution_due__isnull=True)
    if cursor:
        due, row_id = _decode(cursor)
        queryset = queryset.filter(Q(resolution_due__gt=due) | Q(resolution_due=due, id__gt=row_id))
    rows = list_rows(queryset.order_by("resolution_due", "id")[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _encode(rows[-1].resolution_due, rows[-1].pk)
    return Page(rows, next_cursor)


@dataclass
class TicketSlaDetail:
    ticket: Ticket
    state: TicketSla
    periods: list[dict[str, Any]] = field(default_factory=list)
    per_status: list[dict[str, Any]] = field(default_factory=list)


def ticket_sla_detail(
    *, user: User, number: int, now: dt.datetime | None = None
) -> TicketSlaDetail:
    """Policy, calendar, deadlines and time per status (the open period counted up to now)."""
    require_staff(user)
    ticket = ticket_get_visible(user, number)
    state = state_of(ticket)
    now = now or timezone.now()
    calendar = resolve.work_calendar(state.calendar)
    detail = TicketSlaDetail(ticket, state)
    totals: dict[str, dict[str, Any]] = {}
    for period in TicketStatusPeriod.objects.filter(ticket=ticket).select_related("status"):
        calendar_minutes, working = period.calendar_minutes, period.working_minutes
        if period.ended_at is None:
            end = max(now, period.started_at)
            calendar_minutes = int((end - period.started_at).total_seconds() // 60)
            working = working_minutes_between(calendar, period.started_at, end)
        row = {
            "status": period.status.code, "phase": period.phase, "started_at": period.started_at,
            "ended_at": period.ended_at, "calendar_minutes": calendar_minutes,
            "working_minutes": working,
            "paused": is_pausing(state.policy, period.status_id, period.phase),
        }  # fmt: skip
        detail.periods.append(row)
        total = totals.setdefault(
            period.status.code,
            {"status": period.status.code, "calendar_minutes": 0, "working_minutes": 0},
        )
        total["calendar_minutes"] += calendar_minutes
        total["working_minutes"] += working
    detail.per_status = list(totals.values())
    return detail


@dataclass(frozen=True)
class Preview:
    choice: resolve.Choice
    reaction_minutes: int | None
    resolution_minutes: int | None
    reaction_due: dt.datetime | None
    resolution_due: dt.datetime | None


def sla_preview(*, user: User, facts: dict[str, Any], created_at: dt.datetime) -> Preview:
    """What deadlines a ticket with these fields, created at `created_at`, would get, and why."""
    require_staff(user)
    priority_id = (
        facts.get("priority_id")
        or Priority.objects.filter(is_default=True).values_list("pk", flat=True).first()
    )
    category_ids = resolve.category_chain(facts.get("category_id"))
    company_id = facts.get("company_id")
    company_category = (
        Company.objects.filter(pk=company_id).values_list("category_id", flat=True).first()
        if company_id
        else None
    )
    choice = resolve.choose_for(
        TicketFacts(
            contract_id=facts.get("contract_id"), company_id=company_id,
            company_category_id=company_category, type_id=facts.get("type_id"),
            category_ids=category_ids, priority_id=priority_id, site_id=facts.get("site_id"),
        )
    )  # fmt: skip
    reaction, resolution = resolve.targets_for(
        choice.policy.pk if choice.policy else None, priority_id or 0
    )
    calendar = resolve.work_calendar(choice.calendar)
    return Preview(
        choice,
        reaction,
        resolution,
        deadline(calendar, created_at, reaction, 0),
        deadline(calendar, created_at, resolution, 0),
    )


def working_minutes_for_ticket(ticket: Ticket, start: dt.datetime, end: dt.datetime) -> int | None:
    """Working minutes between two instants on the ticket's SLA calendar; None without SLA state."""
    state = TicketSla.objects.select_related("calendar").filter(ticket=ticket).first()
    if state is None or state.calendar is None:
        return None
    return working_minutes_between(calendar_of(state), start, end)
