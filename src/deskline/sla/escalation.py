"""The periodic SLA job: breach flags, escalation steps and breach-risk warnings.

Each step fires once per ticket however often or concurrently the job runs: firing inserts a
unique (ticket, key) EscalationFiring row in the same transaction as the step's effects, and
a concurrent duplicate fails on the constraint and is skipped. Notifications are claimed per
recipient (key "step:<id>:user:<id>") and only inside that person's working hours (their
UserCalendar, else the ticket's calendar) unless the step says any time; a recipient outside
hours is simply tried again on a later run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from deskline.accounts.system import system_user
from deskline.sla import resolve
from deskline.sla.clock import WorkCalendar, WorkingTimeIndex, is_working_time
from deskline.sla.deadlines import active_minutes, between
from deskline.sla.models import Calendar, EscalationFiring, EscalationStep, TicketSla, UserCalendar
from deskline.tickets.events import event_record
from deskline.tickets.models import OPEN_PHASES, Priority, Ticket
from deskline.tickets.payloads import SlaWarning
from deskline.tickets.services import ticket_assign, ticket_update, tickets_mark_breached
from deskline.tickets.writing import lock_ticket

logger = logging.getLogger(__name__)


def escalation_claim(ticket_id: int, key: str, step_id: int | None, now: datetime) -> bool:
    """Insert the once-only row; False if this (ticket, key) has fired already."""
    try:
        with transaction.atomic():
            EscalationFiring.objects.create(
                ticket_id=ticket_id, key=key, step_id=step_id, fired_at=now
            )
    except IntegrityError:
        return False
    return True


def breaches_mark(now: datetime) -> int:
    """Flag open, running tickets whose deadlines have passed (the flags never clear), each
    with an `sla_breached` event."""
    return tickets_mark_breached(deadline="reaction", now=now) + tickets_mark_breached(
        deadline="resolution", now=now
    )


#: The span each run indexes around now (queries outside it walk the calendar, same result).
INDEX_BEFORE, INDEX_AFTER = timedelta(days=400), timedelta(days=3 * 365)


@dataclass
class Context:
    now: datetime
    user_calendars: dict[int, WorkCalendar]
    targets: dict[tuple[int | None, int], tuple[int | None, int | None]]
    indexes: dict[int | None, WorkingTimeIndex] = field(default_factory=dict)
    fired: set[tuple[int, str]] = field(default_factory=set)
    """(ticket, key) pairs already fired when the run started: skipped without a lock."""

    def index(self, calendar: Calendar | None) -> WorkingTimeIndex:
        """The calendar indexed for this run (many tickets share few calendars)."""
        key = calendar.pk if calendar else None
        if key not in self.indexes:
            built = resolve.work_calendar(calendar)
            self.indexes[key] = WorkingTimeIndex(
                built, self.now - INDEX_BEFORE, self.now + INDEX_AFTER
            )
        return self.indexes[key]

    @classmethod
    def load(cls, now: datetime) -> Context:
        user_calendars = {
            uc.user_id: resolve.work_calendar(uc.calendar)
            for uc in UserCalendar.objects.select_related("calendar")
        }
        fired = set(
            EscalationFiring.objects.filter(ticket__phase__in=OPEN_PHASES).values_list(
                "ticket_id", "key"
            )
        )
        return cls(now, user_calendars, {}, fired=fired)

    def target(self, policy_id: int | None, priority_id: int, deadline: str) -> int | None:
        key = (policy_id, priority_id)
        if key not in self.targets:
            self.targets[key] = resolve.targets_for(policy_id, priority_id)
        reaction, resolution = self.targets[key]
        return reaction if deadline == EscalationStep.Deadline.REACTION else resolution


def step_is_due(
    step: EscalationStep, state: TicketSla, calendar: WorkingTimeIndex, ctx: Context
) -> bool:
    ticket = state.ticket
    if state.paused_since is not None:
        return False
    reaction = step.deadline == EscalationStep.Deadline.REACTION
    if reaction and ticket.reacted_at is not None:
        return False
    due = ticket.reaction_due if reaction else ticket.resolution_due
    if due is None:
        return False
    if step.trigger == EscalationStep.Trigger.BREACH:
        return ctx.now >= due
    target = ctx.target(state.policy_id, ticket.priority_id, step.deadline)
    if step.trigger == EscalationStep.Trigger.BEFORE:
        if target is not None and target <= step.value:
            return False  # the whole target is shorter than the warning: it would fire at once
        left = between(calendar, ctx.now, due) if due > ctx.now else 0
        return left <= step.value
    if not target:
        return False
    paused = 0 if reaction else ticket.paused_minutes
    elapsed = active_minutes(calendar, ticket.created_at, ctx.now, paused, None)
    return elapsed * 100 >= step.value * target


def recipients(step: EscalationStep, ticket: Ticket) -> list[int]:
    found: list[int | None] = []
    if step.notify_assignee:
        found.append(ticket.assignee_id)
    if step.notify_team_lead and ticket.team_id and ticket.team:
        found.append(ticket.team.lead_id)
    if step.notify_manager and ticket.company_id and ticket.company:
        found.append(ticket.company.manager_id)
    if step.notify_observers:
        found.extend(ticket.observers.values_list("pk", flat=True))
    return sorted({r for r in found if r is not None})


def in_hours(user_id: int, calendar: WorkCalendar, ctx: Context) -> bool:
    return is_working_time(ctx.user_calendars.get(user_id, calendar), ctx.now)


def escalation_step_fire(
    step: EscalationStep, state: TicketSla, calendar: WorkingTimeIndex, ctx: Context
) -> int:
    """Run the step's not-yet-fired parts for one ticket, atomically; the number fired."""
    ticket, now, fired = state.ticket, ctx.now, 0
    pending = [
        user_id
        for user_id in recipients(step, ticket)
        if (ticket.pk, f"step:{step.pk}:user:{user_id}") not in ctx.fired
        and (step.any_time or in_hours(user_id, calendar.calendar, ctx))
    ]
    has_actions = step.raise_priority or step.reassign_team_id is not None
    act = has_actions and (ticket.pk, f"step:{step.pk}") not in ctx.fired
    if not pending and not act:
        return 0  # nothing left to do: no lock, no transaction
    with transaction.atomic():
        lock_ticket(None, ticket.number, None)
        told = [
            user_id
            for user_id in pending
            if escalation_claim(ticket.pk, f"step:{step.pk}:user:{user_id}", step.pk, now)
        ]
        if told:
            due = ticket.reaction_due if step.deadline == "reaction" else ticket.resolution_due
            left = between(calendar, now, due) if due is not None and due > now else 0
            payload = SlaWarning(
                source="step",
                deadline=step.deadline,
                due=due,
                minutes_left=left,
                step_id=step.pk,
                step_name=step.name,
                trigger=step.trigger,
                recipients=told,
            )
            event_record(ticket=ticket, actor=None, payload=payload)
            fired += 1
        if act and escalation_claim(ticket.pk, f"step:{step.pk}", step.pk, now):
            _act(step, ticket)
            fired += 1
    return fired


def _act(step: EscalationStep, ticket: Ticket) -> None:
    actor = system_user("sla")
    if step.raise_priority:
        higher = (
            Priority.objects.filter(weight__gt=ticket.priority_weight).order_by("weight").first()
        )
        if higher is not None:
            ticket_update(actor=actor, number=ticket.number, changes={"priority_id": higher.pk})
    if step.reassign_team_id is not None and step.reassign_team_id != ticket.team_id:
        ticket_assign(
            actor=actor,
            number=ticket.number,
            team_id=step.reassign_team_id,
            assignee_id=None,
            reason=f"SLA escalation: {step.name}",
        )


def open_states() -> Any:
    return (
        TicketSla.objects.filter(ticket__phase__in=OPEN_PHASES, policy__isnull=False)
        .select_related("ticket", "ticket__team", "ticket__company", "calendar")
        .order_by("ticket_id")
    )


def sla_escalate(now: datetime | None = None) -> dict[str, int]:
    """One run of the job over all open tickets; returns counts for the log."""
    now = now or timezone.now()
    ctx = Context.load(now)
    breaches = breaches_mark(now)
    steps: dict[int, list[EscalationStep]] = {}
    for step in EscalationStep.objects.filter(is_active=True).order_by("id"):
        steps.setdefault(step.policy_id, []).append(step)
    fired = 0
    for state in open_states().filter(policy_id__in=list(steps)).iterator(chunk_size=2000):
        calendar = ctx.index(state.calendar)
        for step in steps[state.policy_id]:
            if step_is_due(step, state, calendar, ctx):
                try:
                    fired += escalation_step_fire(step, state, calendar, ctx)
                except Exception:
                    # One ticket's failure (e.g. a deleted team) must not stop the others.
                    logger.exception("SLA step %s failed on ticket %s", step.pk, state.ticket_id)
    return {"breaches_flagged": breaches, "fired": fired}
