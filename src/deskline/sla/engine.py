"""The SLA in the ticket write path: a decider, a deriver and an observer.

- `sla_decide` (the "derive" stage decider of a new ticket) picks the policy and calendar (a
  policy a routing rule named wins) and stamps the first deadlines on the unsaved ticket, so
  they are written by its one INSERT; its record goes into the `created` event. The tone
  triage scored (a "predict" stage decider) is among the facts the rules see.
- `sla_derive` (a deriver, run by every ticket service before its UPDATE) returns the SLA
  columns the change moves: deadlines after a pause ends or the policy's facts change (a
  client's comment whose tone a rule looks at included: the latest message's tone is the
  ticket's), the reaction time of the first public reply or of entering an open phase, the
  breach flag at resolution. The service writes them with its own UPDATE.
- `sla_observe` (an in-transaction observer) keeps the SLA app's own tables: the ticket's SLA
  state (policy, calendar, pause) and its status periods. It reads the finished values; it
  never writes the ticket.

The SLA columns of a ticket (reaction_due, resolution_due, reacted_at, paused_minutes,
reaction_breached, resolution_breached) are derived: only the ticket services write them (with
these functions' values), plus the escalation job's breach flags, which it sets through
`tickets.services.tickets_mark_breached` with one `sla_breached` event per ticket.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from deskline.core.inserts import insert
from deskline.sla import resolve
from deskline.sla.clock import WorkCalendar, working_minutes_between
from deskline.sla.deadlines import Override, active_minutes, deadline, pause_minutes
from deskline.sla.models import SlaPolicy, TicketSla, TicketStatusPeriod
from deskline.tickets.facts import change_facts
from deskline.tickets.fields import SLA_CHOICE
from deskline.tickets.models import Phase, Ticket, TicketEvent
from deskline.tickets.payloads import (
    Commented,
    Created,
    DeadlineOverridden,
    Payload,
    StatusChanged,
    Updated,
)

STOPPED_PHASES = frozenset({Phase.RESOLVED, Phase.CLOSED})
#: Ticket fields the choice of policy or calendar depends on.
CHOICE_FIELDS = SLA_CHOICE
DEFAULT_PAUSE_PHASES = (Phase.WAITING,)


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


def _choice(
    ticket: Ticket, policy_id: int | None = None, tone_facts: dict[str, Any] | None = None
) -> resolve.Choice:
    facts = resolve.facts_of(ticket, tone_facts=tone_facts)
    return resolve.choose_for(facts, policy_id=policy_id)


def _rechoice(
    ticket: Ticket, stored: TicketSla, tone_facts: dict[str, Any] | None = None
) -> resolve.Choice:
    """Choose again after the facts changed; a policy a routing rule chose stays."""
    routed = stored.policy_reason == resolve.ROUTED_REASON
    return _choice(ticket, policy_id=stored.policy_id if routed else None, tone_facts=tone_facts)


def _tone_rechoice(ticket: Ticket, payload: Payload) -> tuple[TicketSla, resolve.Choice] | None:
    """After a client's comment on an open ticket, when some rule names a tone: the stored
    state and the choice under the comment's tone, if that choice differs; else None."""
    if not ticket.is_open or not resolve.configuration().uses_tone:
        return None
    tone_facts = change_facts(ticket, payload, "tone")
    if not tone_facts:
        return None
    stored = state_of(ticket)
    choice = _rechoice(ticket, stored, tone_facts)
    chosen = (choice.policy, choice.rule_id, choice.calendar)
    if chosen == (stored.policy, stored.rule_id, stored.calendar):
        return None
    return stored, choice


def _state(choice: resolve.Choice) -> TicketSla:
    return TicketSla(
        policy=choice.policy,
        calendar=choice.calendar,
        rule_id=choice.rule_id,
        policy_reason=choice.policy_reason,
        calendar_source=choice.calendar_source,
    )


# The decider (new tickets).


def sla_decide(ticket: Ticket, facts: dict[str, Any]) -> dict[str, Any]:
    """Choose the policy and calendar and stamp the first deadlines on the unsaved ticket."""
    choice = _choice(ticket, policy_id=facts.get("sla_policy_id"), tone_facts=facts)
    for name, value in due_dates(ticket, _state(choice)).items():
        setattr(ticket, name, value)
    return {
        "policy_id": choice.policy.pk if choice.policy else None,
        "calendar_id": choice.calendar.pk if choice.calendar else None,
        "rule_id": choice.rule_id,
        "policy_reason": choice.policy_reason,
        "calendar_source": choice.calendar_source,
    }


# The deriver (every later change).


def state_of(ticket: Ticket) -> TicketSla:
    """The ticket's stored SLA state, or (for tickets older than the SLA app) a fresh unsaved
    one chosen from its facts now."""
    state = TicketSla.objects.select_related("policy", "calendar").filter(ticket=ticket).first()
    if state is None:
        state = _state(_choice(ticket))
        state.ticket = ticket
    return state


def _reaction(ticket: Ticket, at: datetime) -> dict[str, Any]:
    if ticket.reacted_at is not None:
        return {}
    values: dict[str, Any] = {"reacted_at": at}
    if ticket.reaction_due is not None and at > ticket.reaction_due:
        values["reaction_breached"] = True
    return values


def _reaction_mode(state: TicketSla) -> str:
    return state.policy.reaction_mode if state.policy else SlaPolicy.ReactionMode.REPLY


def _on_status(ticket: Ticket, at: datetime) -> dict[str, Any]:
    state = state_of(ticket)
    pausing = is_pausing(state.policy, ticket.status_id, ticket.phase)
    values: dict[str, Any] = {}
    paused = ticket.paused_minutes
    if state.paused_since is not None and not pausing:
        paused += pause_minutes(calendar_of(state), state.paused_since, at)
        values.update(due_dates(ticket, state, paused), paused_minutes=paused)
    if _reaction_mode(state) != SlaPolicy.ReactionMode.REPLY and ticket.phase == Phase.OPEN:
        values.update(_reaction(ticket, at))
    if ticket.phase in STOPPED_PHASES and ticket.resolved_at is not None:
        due = values.get("resolution_due", ticket.resolution_due)
        if due is not None and ticket.resolved_at > due:
            values["resolution_breached"] = True
    return values


def _on_comment(ticket: Ticket, payload: Commented, at: datetime) -> dict[str, Any]:
    if ticket.reacted_at is not None or payload.by_client or not payload.is_public:
        return {}
    if not payload.sender_verified:
        return {}
    if _reaction_mode(state_of(ticket)) == SlaPolicy.ReactionMode.PHASE:
        return {}
    return _reaction(ticket, at)


def _dues_under(ticket: Ticket, stored: TicketSla, choice: resolve.Choice) -> dict[str, Any]:
    """The deadlines under a new choice, keeping the stored state's manual overrides."""
    state = _state(choice)
    state.reaction_override, state.resolution_override = (
        stored.reaction_override,
        stored.resolution_override,
    )
    state.override_paused_minutes = stored.override_paused_minutes
    return dict(due_dates(ticket, state))


def sla_derive(ticket: Ticket, payload: Payload, at: datetime) -> dict[str, Any]:
    """The SLA columns this change moves (the service writes them in its UPDATE)."""
    if isinstance(payload, StatusChanged):
        return _on_status(ticket, at)
    if isinstance(payload, Commented):
        retoned = _tone_rechoice(ticket, payload)
        values = _on_comment(ticket, payload, at)
        return (values | _dues_under(ticket, *retoned)) if retoned else values
    if isinstance(payload, Updated) and CHOICE_FIELDS & set(payload.fields):
        if not ticket.is_open:
            return {}
        stored = state_of(ticket)
        return _dues_under(ticket, stored, _rechoice(ticket, stored))
    if isinstance(payload, DeadlineOverridden):
        return dict(due_dates(ticket, state_of(ticket)))
    return {}


# The observer (the SLA app's own tables).


def _close_period(ticket: Ticket, calendar: WorkCalendar, now: datetime) -> None:
    period = TicketStatusPeriod.objects.filter(ticket=ticket, ended_at__isnull=True).last()
    if period is None:
        return
    end = max(now, period.started_at)
    period.ended_at = end
    period.calendar_minutes = int((end - period.started_at).total_seconds() // 60)
    period.working_minutes = working_minutes_between(calendar, period.started_at, end)
    period.save(update_fields=["ended_at", "calendar_minutes", "working_minutes"])


def _start(ticket: Ticket, record: dict[str, Any], now: datetime) -> None:
    config = resolve.configuration()
    policy = resolve.policy(record.get("policy_id"))
    state = TicketSla(
        ticket=ticket,
        policy=policy,
        calendar=config.calendars.get(record.get("calendar_id") or 0),
        rule_id=record.get("rule_id"),
        policy_reason=record.get("policy_reason", ""),
        calendar_source=record.get("calendar_source", ""),
    )
    if is_pausing(policy, ticket.status_id, ticket.phase):
        state.paused_since = now
    insert(state)
    insert(
        TicketStatusPeriod(
            ticket=ticket, status_id=ticket.status_id, phase=ticket.phase, started_at=now
        )
    )


def _saved_state(ticket: Ticket) -> TicketSla:
    state = state_of(ticket)
    if state.pk is None:
        state.save()
    return state


def _status_changed(ticket: Ticket, now: datetime) -> None:
    state = _saved_state(ticket)
    _close_period(ticket, calendar_of(state), now)
    TicketStatusPeriod.objects.create(
        ticket=ticket, status_id=ticket.status_id, phase=ticket.phase, started_at=now
    )
    pausing = is_pausing(state.policy, ticket.status_id, ticket.phase)
    if state.paused_since is None and pausing:
        state.paused_since = now
    elif state.paused_since is not None and not pausing:
        state.paused_since = None
    if ticket.phase in STOPPED_PHASES and ticket.resolved_at is not None:
        state.active_minutes = active_minutes(
            calendar_of(state), ticket.created_at, ticket.resolved_at, ticket.paused_minutes, None
        )
    state.save(update_fields=["paused_since", "active_minutes"])


def _keep_choice(state: TicketSla, choice: resolve.Choice) -> None:
    state.policy, state.calendar, state.rule_id = choice.policy, choice.calendar, choice.rule_id
    state.policy_reason, state.calendar_source = choice.policy_reason, choice.calendar_source
    if state.pk is None:  # a ticket older than the SLA app
        state.save()
        return
    state.save(update_fields=["policy", "calendar", "rule", "policy_reason", "calendar_source"])


def _choice_changed(ticket: Ticket) -> None:
    state = _saved_state(ticket)
    _keep_choice(state, _rechoice(ticket, state))


def sla_observe(event: TicketEvent) -> None:
    payload, ticket = event.payload, event.ticket
    if isinstance(payload, Created):
        _start(ticket, payload.decisions.get("sla") or {}, ticket.created_at)
    elif isinstance(payload, StatusChanged):
        _status_changed(ticket, event.created_at)
    elif isinstance(payload, Updated) and CHOICE_FIELDS & set(payload.fields):
        _choice_changed(ticket)
    elif isinstance(payload, Commented):
        retoned = _tone_rechoice(ticket, payload)
        if retoned is not None:
            _keep_choice(*retoned)
