"""The SLA reactions inside the ticket write path (registered as the in-transaction hook).

On `created` it picks the policy and calendar and stamps the deadlines; on `status_changed` it
closes and opens status periods, starts and ends pauses (adding each pause's working minutes
once) and stamps breaches; on `updated` of a field the policy depends on it chooses again and
recomputes; on `commented` it stamps the reaction when the policy counts replies. It writes
the ticket with a plain UPDATE (no version bump: these are derived values) and mirrors the
values on the event's ticket instance, which is the one the service returns.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from deskline.core.inserts import insert
from deskline.sla import resolve
from deskline.sla.clock import WorkCalendar, working_minutes_between
from deskline.sla.deadlines import Override, active_minutes, deadline, pause_minutes
from deskline.sla.models import SlaPolicy, TicketSla, TicketStatusPeriod
from deskline.tickets.models import Comment, Phase, Ticket, TicketEvent

Kind = TicketEvent.Kind
STOPPED_PHASES = frozenset({Phase.RESOLVED, Phase.CLOSED})
#: Ticket fields the choice of policy or calendar depends on.
CHOICE_FIELDS = frozenset(
    {"priority_id", "type_id", "category_id", "company_id", "site_id", "contract_id"}
)
DEFAULT_PAUSE_PHASES = (Phase.WAITING,)
#: Where stamp_new leaves the unsaved SLA state of a new ticket instance for on_created.
_STAMPED_STATE = "_sla_stamped_state"


def sla_on_event(event: TicketEvent) -> None:
    """The hook: dispatch by event kind."""
    if event.kind == Kind.CREATED:
        on_created(event.ticket, event.ticket.created_at)
    elif event.kind == Kind.STATUS_CHANGED:
        on_status_changed(event)
    elif event.kind == Kind.UPDATED and CHOICE_FIELDS & set(event.changes):
        on_facts_changed(event.ticket)
    elif event.kind == Kind.COMMENTED:
        on_commented(event)


def store(ticket: Ticket, **values: Any) -> None:
    """Write derived SLA columns without touching version; mirror them on the instance."""
    changed = {k: v for k, v in values.items() if getattr(ticket, k) != v}
    if changed:
        Ticket.objects.filter(pk=ticket.pk).update(**changed)
        for name, value in changed.items():
            setattr(ticket, name, value)


def is_pausing(policy: SlaPolicy | None, status_id: int, phase: str) -> bool:
    """Whether the clock stops in this status: resolved/closed, or the policy's pausing ones."""
    if phase in STOPPED_PHASES:
        return True
    if policy is None:
        return phase in DEFAULT_PAUSE_PHASES
    if phase in (policy.pause_phases or []):
        return True
    loaded = resolve.policy(policy.pk) or policy  # the cached one has its statuses prefetched
    return any(s.pk == status_id for s in loaded.pause_statuses.all())


def calendar_of(state: TicketSla) -> WorkCalendar:
    return resolve.work_calendar(state.calendar)


def due_dates(
    ticket: Ticket, state: TicketSla, paused: int | None = None
) -> dict[str, datetime | None]:
    """The deadlines the ticket should have now; the reaction one is kept once reacted."""
    calendar = calendar_of(state)
    reaction, resolution = resolve.targets_for(state.policy_id, ticket.priority_id)
    paused = ticket.paused_minutes if paused is None else paused
    values: dict[str, datetime | None] = {}

    def override(instant: datetime | None) -> Override | None:
        return Override(instant, state.override_paused_minutes) if instant else None

    if ticket.reacted_at is None:
        values["reaction_due"] = deadline(
            calendar, ticket.created_at, reaction, 0, override(state.reaction_override)
        )
    values["resolution_due"] = deadline(
        calendar, ticket.created_at, resolution, paused, override(state.resolution_override)
    )
    return values


def stamp_new(ticket: Ticket) -> None:
    """The before-insert hook: write the first deadlines with the ticket's own row.

    It leaves its unsaved SLA state on the instance, so `on_created` inserts that one unless
    the ticket was written again in between (routing bumps the version).
    """
    state = _new_state(resolve.choose_for(resolve.facts_of(ticket)))
    for name, value in due_dates(ticket, state).items():
        setattr(ticket, name, value)
    ticket.__dict__[_STAMPED_STATE] = state


def _new_state(choice: resolve.Choice) -> TicketSla:
    return TicketSla(
        policy=choice.policy,
        calendar=choice.calendar,
        rule_id=choice.rule_id,
        policy_reason=choice.policy_reason,
        calendar_source=choice.calendar_source,
    )


def on_created(ticket: Ticket, now: datetime) -> TicketSla:
    """Start the ticket's SLA; idempotent (an earlier hook's update may have started it).

    Only a write in this same transaction can have started it (routing's update, which bumps
    the version that route_on_created reads back), so a first version needs no lookup.
    """
    stamped = ticket.__dict__.pop(_STAMPED_STATE, None)
    if ticket.version > 1 and TicketSla.objects.filter(ticket=ticket).exists():
        return on_facts_changed(ticket)
    fresh = stamped is not None and ticket.version == 1
    state = stamped if fresh else _new_state(resolve.choose_for(resolve.facts_of(ticket)))
    state.ticket = ticket
    if is_pausing(state.policy, ticket.status_id, ticket.phase):
        state.paused_since = now
    insert(state)
    insert(
        TicketStatusPeriod(
            ticket=ticket, status_id=ticket.status_id, phase=ticket.phase, started_at=now
        )
    )
    if not fresh:  # stamp_new already wrote these deadlines for the same facts
        store(ticket, **due_dates(ticket, state))
    return state


def state_of(ticket: Ticket) -> TicketSla:
    """The ticket's SLA state; tickets written before the SLA app get one lazily."""
    state = TicketSla.objects.select_related("policy", "calendar").filter(ticket=ticket).first()
    return state if state is not None else on_created(ticket, ticket.updated_at)


def _close_period(ticket: Ticket, calendar: WorkCalendar, now: datetime) -> None:
    period = TicketStatusPeriod.objects.filter(ticket=ticket, ended_at__isnull=True).last()
    if period is None:
        return
    end = max(now, period.started_at)
    period.ended_at = end
    period.calendar_minutes = int((end - period.started_at).total_seconds() // 60)
    period.working_minutes = working_minutes_between(calendar, period.started_at, end)
    period.save(update_fields=["ended_at", "calendar_minutes", "working_minutes"])


def on_status_changed(event: TicketEvent) -> None:
    ticket, now = event.ticket, event.created_at
    state = state_of(ticket)
    calendar = calendar_of(state)
    _close_period(ticket, calendar, now)
    TicketStatusPeriod.objects.create(
        ticket=ticket, status_id=ticket.status_id, phase=ticket.phase, started_at=now
    )
    pausing = is_pausing(state.policy, ticket.status_id, ticket.phase)
    values: dict[str, Any] = {}
    if state.paused_since is None and pausing:
        state.paused_since = now
    elif state.paused_since is not None and not pausing:
        paused = ticket.paused_minutes + pause_minutes(calendar, state.paused_since, now)
        state.paused_since = None
        values.update(due_dates(ticket, state, paused), paused_minutes=paused)
    mode = state.policy.reaction_mode if state.policy else SlaPolicy.ReactionMode.REPLY
    if mode != SlaPolicy.ReactionMode.REPLY and ticket.phase == Phase.OPEN:
        values.update(_reaction(ticket, now))
    if ticket.phase in STOPPED_PHASES and ticket.resolved_at is not None:
        due = values.get("resolution_due", ticket.resolution_due)
        if due is not None and ticket.resolved_at > due:
            values["resolution_breached"] = True
        paused = values.get("paused_minutes", ticket.paused_minutes)
        state.active_minutes = active_minutes(
            calendar, ticket.created_at, ticket.resolved_at, paused, None
        )
    state.save(update_fields=["paused_since", "active_minutes"])
    store(ticket, **values)


def _reaction(ticket: Ticket, at: datetime) -> dict[str, Any]:
    if ticket.reacted_at is not None:
        return {}
    values: dict[str, Any] = {"reacted_at": at}
    if ticket.reaction_due is not None and at > ticket.reaction_due:
        values["reaction_breached"] = True
    return values


def on_commented(event: TicketEvent) -> None:
    ticket = event.ticket
    by_staff = event.actor_id is not None and not event.data.get("by_client")
    if ticket.reacted_at is not None or not (by_staff and event.data.get("is_public")):
        return
    state = state_of(ticket)
    mode = state.policy.reaction_mode if state.policy else SlaPolicy.ReactionMode.REPLY
    if mode == SlaPolicy.ReactionMode.PHASE:
        return
    at = (
        Comment.objects.filter(pk=event.data.get("comment_id"))
        .values_list("created_at", flat=True)
        .first()
    )
    store(ticket, **_reaction(ticket, at or event.created_at))


def on_facts_changed(ticket: Ticket) -> TicketSla:
    """Choose policy and calendar again (priority, type, ... changed) and recompute."""
    state = state_of(ticket)
    choice = resolve.choose_for(resolve.facts_of(ticket))
    state.policy, state.calendar, state.rule_id = choice.policy, choice.calendar, choice.rule_id
    state.policy_reason, state.calendar_source = choice.policy_reason, choice.calendar_source
    state.save(update_fields=["policy", "calendar", "rule", "policy_reason", "calendar_source"])
    if ticket.is_open:
        store(ticket, **due_dates(ticket, state))
    return state
