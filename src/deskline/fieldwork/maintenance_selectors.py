"""Reads of maintenance plans: the plans a user may see (a client: its company's), a plan's past
and next dates, and the next maintenance of a company (the portal's "Next maintenance")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from deskline.accounts.models import User
from deskline.clients.selectors import companies_visible_to
from deskline.core.errors import NotFound
from deskline.fieldwork import recurrence
from deskline.fieldwork.calendars import working_day_finder
from deskline.fieldwork.maintenance_models import (
    MaintenanceOccurrence,
    MaintenancePlan,
    OccurrenceState,
)

PAST_SHOWN = 20
PORTAL_PLANS = 200


@dataclass(frozen=True)
class PlanDate:
    due_on: dt.date
    scheduled_on: dt.date
    state: str
    moved: bool = False
    ticket_number: int | None = None
    counter_at: int | None = None
    note: str = ""


def plans_visible_to(user: User) -> QuerySet[MaintenancePlan]:
    return MaintenancePlan.objects.filter(company__in=companies_visible_to(user)).select_related(
        "company", "equipment", "site", "contract", "equipment_kind"
    )


def _with_upcoming(plans: QuerySet[MaintenancePlan], today: dt.date) -> QuerySet[MaintenancePlan]:
    ahead = MaintenanceOccurrence.objects.filter(_ahead(today)).select_related("ticket")
    return plans.prefetch_related(Prefetch("occurrences", queryset=ahead, to_attr="upcoming"))


def plan_list_for(
    user: User, *, today: dt.date, company_id: int | None = None, site_id: int | None = None,
    equipment_id: int | None = None, contract_id: int | None = None, limit: int = 200,
) -> list[MaintenancePlan]:  # fmt: skip
    """Plans with their rows still ahead prefetched (`next_maintenance` reads them)."""
    plans = _with_upcoming(plans_visible_to(user), today)
    for field, value in (("company_id", company_id), ("site_id", site_id),
                         ("equipment_id", equipment_id), ("contract_id", contract_id)):  # fmt: skip
        if value is not None:
            plans = plans.filter(**{field: value})
    return list(plans.order_by("name", "pk")[: max(1, min(limit, 500))])


def plan_get_for(user: User, *, plan_id: int) -> MaintenancePlan:
    plan = plans_visible_to(user).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(f"maintenance plan {plan_id} not found")
    return plan


def _date_of(row: MaintenanceOccurrence) -> PlanDate:
    return PlanDate(row.due_on, row.scheduled_on, row.state, row.moved,
                    row.ticket.number if row.ticket else None, row.counter_at, row.note)  # fmt: skip


def _ahead(today: dt.date) -> Q:
    """Rows still ahead: their date or the day they were moved to is today or later."""
    return Q(due_on__gte=today) | Q(scheduled_on__gte=today)


def plan_past(plan: MaintenancePlan, *, today: dt.date) -> list[PlanDate]:
    """Dates gone by (done, skipped or failed), newest first."""
    rows = plan.occurrences.exclude(_ahead(today)).select_related("ticket")
    return [_date_of(row) for row in rows.order_by("-scheduled_on", "-pk")[:PAST_SHOWN]]


def plan_upcoming(
    plan: MaintenancePlan, *, today: dt.date, count: int = 5,
    rows: list[MaintenanceOccurrence] | None = None,
) -> list[PlanDate]:  # fmt: skip
    """The next `count` dates from today: the rule's, with skips and moves applied; a counter
    plan has none (its next mark is on the plan)."""
    if plan.every_hours is not None:
        rows = rows if rows is not None else list(plan.occurrences.filter(_ahead(today)))
        return [_date_of(row) for row in rows][:count]
    if rows is None:
        rows = list(plan.occurrences.filter(_ahead(today)).select_related("ticket"))
    by_date = {row.due_on: row for row in rows}
    wanted = count + len(by_date)
    dates = recurrence.next_dates(plan.rule, plan.starts_on, max(today, plan.starts_on), wanted)
    if plan.ends_on is not None:
        dates = [d for d in dates if d <= plan.ends_on]
    shift = working_day_finder(plan)
    out = []
    for day in set(dates) | set(by_date):
        row = by_date.get(day)
        out.append(_date_of(row) if row else PlanDate(day, shift(day), OccurrenceState.PENDING))
    if not plan.is_active:  # a paused plan creates nothing more: only tickets made show
        out = [d for d in out if d.state == OccurrenceState.CREATED]
    return sorted(out, key=lambda d: (d.scheduled_on, d.due_on))[:count]


def _first_visit(dates: list[PlanDate]) -> PlanDate | None:
    return next((d for d in dates if d.state in ("pending", "created")), None)


def next_maintenance(plan: MaintenancePlan, *, today: dt.date) -> PlanDate | None:
    rows = getattr(plan, "upcoming", None)
    return _first_visit(plan_upcoming(plan, today=today, count=10, rows=rows))


def company_upcoming(user: User, *, today: dt.date) -> list[tuple[MaintenancePlan, PlanDate]]:
    """For the portal: each visible active plan's next date (skips applied), soonest first."""
    plans = _with_upcoming(plans_visible_to(user).filter(is_active=True), today)
    found = []
    for plan in plans.order_by("pk")[:PORTAL_PLANS]:
        first = next_maintenance(plan, today=today)
        if first is not None:
            found.append((plan, first))
    return sorted(found, key=lambda pair: (pair[1].scheduled_on, pair[0].pk))
