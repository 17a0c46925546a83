"""The maintenance scheduler: turns plans' due dates into tickets, each exactly once.

One run (the periodic job `maintenance_run`) does three things, each safe to repeat and to run in
two workers at once:

1. Plans whose cursor has reached today + lead write their dates as occurrence rows
   (`INSERT ... ON CONFLICT DO NOTHING` on (plan, date)), moved to the site's next working day,
   and advance the cursor with a compare-and-set. Counter plans do the same when the counter
   parameter reported on the equipment has passed the next mark.
2. Each pending row whose creation day has come is claimed (pending -> created, a
   compare-and-set) in the very transaction that creates its ticket: a crash rolls both back, a
   second worker's claim waits for the first and then finds nothing to claim.
3. A ticket that cannot be created (a deleted team, a refused field) marks its row failed with
   the reason, instead of retrying for ever.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from deskline.accounts.system import system_user
from deskline.clients.models import Equipment
from deskline.core.errors import DomainError
from deskline.fieldwork import recurrence
from deskline.fieldwork.calendars import calendar_id_for, finder_for_calendar
from deskline.fieldwork.maintenance_models import (
    MaintenanceOccurrence,
    MaintenancePlan,
    OccurrenceState,
    PlanScope,
)
from deskline.fieldwork.maintenance_payloads import MaintenanceDue
from deskline.fieldwork.services import checklist_attach
from deskline.tickets.events import event_record
from deskline.tickets.models import Channel, Ticket
from deskline.tickets.services import ticket_create

logger = logging.getLogger(__name__)
BATCH = 1000
#: Dates further back than this when the scheduler (re)starts are not created late.
CATCH_UP = dt.timedelta(days=31)
#: Equipment listed in the description of a plan for a kind at a site.
LISTED_ITEMS = 50
#: Tickets created per transaction: fewer commits, and a crash still undoes claims and tickets
#: together.
TICKETS_PER_TRANSACTION = 25


@dataclass
class RunReport:
    initialised: int = 0
    materialised: int = 0
    created: list[int] = field(default_factory=list)
    failed: int = 0
    #: Seconds spent writing dates (cursors, occurrence rows) and creating tickets.
    dates_seconds: float = 0.0
    tickets_seconds: float = 0.0


def _chunks(queryset: object, size: int = BATCH) -> Iterator[list[MaintenancePlan]]:
    """Plans in pk order, a chunk at a time (the queryset is re-filtered after each chunk)."""
    after = 0
    while True:
        rows = list(queryset.filter(pk__gt=after).order_by("pk")[:size])  # type: ignore[attr-defined]
        if not rows:
            return
        yield rows
        after = rows[-1].pk


class _Finders:
    """The working-day finder of each calendar, built once per run."""

    def __init__(self) -> None:
        self._by_calendar: dict[int | None, Callable[[dt.date], dt.date]] = {}

    def shift(self, plan: MaintenancePlan, day: dt.date) -> dt.date:
        calendar_id = calendar_id_for(site_id=plan.site_id, contract_id=plan.contract_id)
        finder = self._by_calendar.get(calendar_id)
        if finder is None:
            finder = self._by_calendar[calendar_id] = finder_for_calendar(calendar_id)
        return finder(day)


def _update_grouped(changes: list[tuple[int, dict[str, object], dict[str, object]]]) -> None:
    """Apply (pk, expected, new values) as compare-and-set UPDATEs, one per distinct pair of
    expected and new values: plans sharing a cursor move in one statement, not one each."""
    groups: dict[tuple[tuple[str, object], ...], list[int]] = defaultdict(list)
    for pk, expected, new in changes:
        key = (*sorted(expected.items()), ("->", None), *sorted(new.items()))
        groups[key].append(pk)
    for key, pks in groups.items():
        split = key.index(("->", None))
        expected, new = dict(key[:split]), dict(key[split + 1 :])
        for start in range(0, len(pks), BATCH):
            MaintenancePlan.objects.filter(pk__in=pks[start : start + BATCH], **expected).update(
                **new
            )


def _initialise(today: dt.date) -> int:
    """Plans written without a cursor (bulk loads, imports) get one from today on."""
    from deskline.fieldwork.maintenance_services import plan_cursor_reset

    pending = MaintenancePlan.objects.filter(is_active=True, create_from__isnull=True,
                                             counter_next__isnull=True)  # fmt: skip
    unset: dict[str, object] = {"create_from": None, "counter_next": None}
    changes: list[tuple[int, dict[str, object], dict[str, object]]] = []
    after = 0
    while True:  # rule plans as plain values: 100,000 of them make no model instances
        rows = list(pending.exclude(rule="").filter(pk__gt=after).order_by("pk").values_list(
            "pk", "rule", "starts_on", "ends_on", "lead_days")[:BATCH])  # fmt: skip
        if not rows:
            break
        for pk, rule, starts_on, ends_on, lead_days in rows:
            first, create_from = recurrence.first_cursor(rule, starts_on, ends_on, lead_days, today)
            changes.append((pk, unset, {"next_due_on": first, "create_from": create_from}))
        after = rows[-1][0]
    for chunk in _chunks(pending.filter(rule="")):  # counter plans read their counter
        for plan in chunk:
            plan_cursor_reset(plan, today=today)
            changes.append((plan.pk, unset, {"counter_next": plan.counter_next}))
    # Plans sharing a first date move together: a hundred statements for 100,000 plans.
    _update_grouped(changes)
    return len(changes)


def _rows_for(plan: MaintenancePlan, today: dt.date, finders: _Finders) -> tuple[
    list[MaintenanceOccurrence], dt.date | None
]:  # fmt: skip
    """The plan's occurrence rows up to today + lead, and the cursor after them."""
    assert plan.next_due_on is not None
    horizon = today + dt.timedelta(days=plan.lead_days)
    last = min(horizon, plan.ends_on) if plan.ends_on else horizon
    dates = recurrence.dates_between(plan.rule, plan.starts_on, plan.next_due_on, last)
    rows = []
    for day in dates:
        if day < today - CATCH_UP:
            continue
        scheduled = finders.shift(plan, day)
        rows.append(MaintenanceOccurrence(
            plan=plan, due_on=day, scheduled_on=scheduled,
            create_on=recurrence.create_on(scheduled, plan.lead_days)))  # fmt: skip
    following = recurrence.next_date(plan.rule, plan.starts_on, last + dt.timedelta(days=1))
    if following is not None and plan.ends_on is not None and following > plan.ends_on:
        following = None
    return rows, following


def _materialise(today: dt.date, finders: _Finders) -> int:
    due = MaintenancePlan.objects.filter(is_active=True, create_from__lte=today,
                                         next_due_on__isnull=False).exclude(rule="")  # fmt: skip
    written = 0
    moves: list[tuple[int, dict[str, object], dict[str, object]]] = []
    for chunk in _chunks(due.only("pk", "rule", "starts_on", "ends_on", "lead_days", "site_id",
                                  "contract_id", "next_due_on", "create_from")):  # fmt: skip
        rows: list[MaintenanceOccurrence] = []
        for plan in chunk:
            made, following = _rows_for(plan, today, finders)
            rows += made
            moves.append((plan.pk,
                          {"next_due_on": plan.next_due_on, "create_from": plan.create_from},
                          {"next_due_on": following, "create_from": (
                              recurrence.create_on(following, plan.lead_days)
                              if following else dt.date.max)}))  # fmt: skip
        MaintenanceOccurrence.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
        written += len(rows)
    # The cursors move only once their dates are written: a crash in between writes the same
    # rows again next time (ignored as duplicates), it never loses a date.
    _update_grouped(moves)
    return written


def _counter_marks(today: dt.date, finders: _Finders) -> int:
    """Counter plans whose equipment reports a value past the next mark get an occurrence."""
    plans = MaintenancePlan.objects.filter(is_active=True, every_hours__isnull=False,
                                           counter_next__isnull=False)  # fmt: skip
    written = 0
    for chunk in _chunks(plans):
        values = dict(Equipment.objects.filter(pk__in=[p.equipment_id for p in chunk])
                      .values_list("pk", "parameters"))  # fmt: skip
        for plan in chunk:
            raw = (values.get(plan.equipment_id or 0) or {}).get(plan.counter_parameter)
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                continue
            assert plan.every_hours is not None and plan.counter_next is not None
            mark = recurrence.counter_mark(plan.counter_next - plan.every_hours,
                                           plan.every_hours, raw)  # fmt: skip
            if mark is None:
                continue
            scheduled = finders.shift(plan, today)
            with transaction.atomic():
                MaintenanceOccurrence.objects.bulk_create([MaintenanceOccurrence(
                    plan=plan, due_on=today, counter_at=mark, scheduled_on=scheduled,
                    create_on=today)], ignore_conflicts=True)  # fmt: skip
                MaintenancePlan.objects.filter(pk=plan.pk, counter_next=plan.counter_next).update(
                    counter_next=mark + plan.every_hours
                )
            written += 1
    return written


def _description(plan: MaintenancePlan, occurrence: MaintenanceOccurrence) -> str:
    lines = [plan.description.strip()] if plan.description.strip() else []
    lines.append(f"Planned maintenance: {plan.name}, due {occurrence.due_on.isoformat()}.")
    if occurrence.counter_at is not None:
        lines.append(f"Counter {plan.counter_parameter} reached {occurrence.counter_at}.")
    if plan.scope == PlanScope.KIND_AT_SITE:
        items = Equipment.objects.filter(site_id=plan.site_id or 0, kind_id=plan.equipment_kind_id)
        items = items.exclude(status=Equipment.Status.DECOMMISSIONED).select_related(
            "kind", "model"
        )
        lines += [f"- {item} (id {item.pk})" for item in items[:LISTED_ITEMS]]
    return "\n".join(lines)


def _ticket_for(occurrence: MaintenanceOccurrence) -> Ticket:
    plan = occurrence.plan
    actor = system_user("maintenance")
    title = plan.title.replace("{date}", occurrence.scheduled_on.isoformat())
    # One piece of equipment: its site today (it may have moved since the plan was written).
    site_id = None if plan.scope == PlanScope.EQUIPMENT else plan.site_id
    ticket = ticket_create(
        actor=actor, title=title, description=_description(plan, occurrence),
        channel=Channel.API, type_id=plan.ticket_type_id, category_id=plan.category_id,
        priority_id=plan.priority_id, company_id=plan.company_id, site_id=site_id,
        equipment_id=plan.equipment_id, contract_id=plan.contract_id, team_id=plan.team_id,
    )  # fmt: skip
    if plan.checklist_template is not None:
        checklist_attach(ticket=ticket, template=plan.checklist_template)
    event_record(ticket=ticket, actor=actor, payload=MaintenanceDue(
        plan_id=plan.pk, plan=plan.name, due_on=occurrence.due_on,
        scheduled_on=occurrence.scheduled_on))  # fmt: skip
    return ticket


def _claim_and_create(occurrence: MaintenanceOccurrence) -> tuple[str, int | None]:
    """Claim the occurrence (pending -> created) and create its ticket, inside the caller's
    transaction: ("created", number), ("taken", None) when another worker had it, or
    ("failed", None), the reason recorded on the row."""
    claimed = MaintenanceOccurrence.objects.filter(
        pk=occurrence.pk, state=OccurrenceState.PENDING
    ).update(state=OccurrenceState.CREATED, updated_at=timezone.now())
    if not claimed:
        return "taken", None
    try:
        with transaction.atomic():
            ticket = _ticket_for(occurrence)
    except DomainError as exc:
        logger.warning("maintenance occurrence %s failed: %s", occurrence.pk, exc.message)
        MaintenanceOccurrence.objects.filter(pk=occurrence.pk).update(
            state=OccurrenceState.FAILED, note=f"{exc.message} {exc.fields or ''}"[:500]
        )
        return "failed", None
    MaintenanceOccurrence.objects.filter(pk=occurrence.pk).update(ticket=ticket)
    return "created", ticket.number


def _loaded(ids: list[int]) -> list[MaintenanceOccurrence]:
    return list(
        MaintenanceOccurrence.objects.select_related("plan", "plan__checklist_template")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def _create_due(today: dt.date, report: RunReport) -> None:
    """Claims go in ascending id order in every worker, so two workers wait for each other
    but never deadlock; a batch shares one transaction (fewer commits), and a crash undoes the
    whole batch, claims included."""
    due = MaintenanceOccurrence.objects.filter(
        state=OccurrenceState.PENDING, create_on__lte=today, plan__is_active=True
    )
    after = 0
    while True:
        ids = list(due.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        occurrences = _loaded(ids)
        for start in range(0, len(occurrences), TICKETS_PER_TRANSACTION):
            with transaction.atomic():
                for occurrence in occurrences[start : start + TICKETS_PER_TRANSACTION]:
                    outcome, number = _claim_and_create(occurrence)
                    if number is not None:
                        report.created.append(number)
                    report.failed += outcome == "failed"
        after = ids[-1]


def maintenance_run(*, today: dt.date | None = None) -> RunReport:
    """One scheduler round; safe to run again at once and in several workers."""
    today = today or timezone.localdate()
    report = RunReport()
    finders = _Finders()
    started = time.perf_counter()
    report.initialised = _initialise(today)
    report.materialised = _materialise(today, finders)
    report.materialised += _counter_marks(today, finders)
    middle = time.perf_counter()
    _create_due(today, report)
    report.dates_seconds, report.tickets_seconds = middle - started, time.perf_counter() - middle
    return report
