"""Automation triggers: reactions to ticket events and to time, acting through the ticket services.

Loops: every action runs as the automation service user, and events whose actor is that user
never fire triggers, so no chain of triggers can feed itself. Once-only: each firing first claims
a `TriggerFiring` row unique per (trigger, ticket, window) — the event for event triggers, the
status entry (or the last staff reply) for time triggers — so a job that runs twice, or two
workers scanning at once, fire a trigger once per ticket and condition.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from deskline.accounts.models import Role, User
from deskline.accounts.system import is_system_user, system_user
from deskline.channels.webhooks import webhook_queue
from deskline.core.errors import DomainError
from deskline.routing.assignment import assignee_pick
from deskline.routing.matching import matches
from deskline.routing.models import Trigger, TriggerFiring
from deskline.sla.selectors import working_minutes_for_ticket
from deskline.tickets.conversation import comment_add
from deskline.tickets.facts import saved_ticket_facts
from deskline.tickets.models import (
    OPEN_PHASES,
    Comment,
    Phase,
    StatusTransition,
    Ticket,
    TicketEvent,
)
from deskline.tickets.payloads import Commented, SlaBreached, SlaWarning
from deskline.tickets.services import (
    ticket_assign,
    ticket_change_status,
    ticket_create,
    ticket_update,
)

logger = logging.getLogger(__name__)
Kind = TicketEvent.Kind
EVENT_NAMES = frozenset(
    {"created", "updated", "comment_client", "comment_agent", "status_changed", "assigned",
     "escalated", "sla_warning", "sla_breach"}
)  # fmt: skip


def event_names(event: TicketEvent) -> set[str]:
    """The trigger event names an event answers to."""
    payload = event.payload
    if isinstance(payload, Commented):
        return {"comment_client" if payload.by_client else "comment_agent"}
    if isinstance(payload, SlaWarning):
        return {"sla_breach" if payload.is_breach else "sla_warning"}
    if isinstance(payload, SlaBreached):
        return {"sla_breach"}
    return {event.kind}


def render(template: str, ticket: Ticket) -> str:
    """Fill {number}, {title}, {status}, {priority}, {team}, {assignee}; leave others as is."""
    values = {
        "number": str(ticket.number),
        "title": ticket.title,
        "status": ticket.status.name,
        "priority": ticket.priority.name,
        "team": str(ticket.team or ""),
        "assignee": str(ticket.assignee or ""),
    }
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def _close(actor: User, ticket: Ticket) -> str:
    transition = (
        StatusTransition.objects.filter(from_status_id=ticket.status_id, to_status__is_active=True)
        .filter(to_status__phase=Phase.CLOSED)
        .select_related("to_status")
        .first()
    )
    if transition is None:
        return f"no transition from {ticket.status.code} to a closed status"
    comment = "Closed automatically." if transition.comment_required else ""
    ticket_change_status(
        actor=actor, number=ticket.number, status_id=transition.to_status_id, comment=comment
    )
    return f"closed ({transition.to_status.code})"


def _act(actor: User, ticket: Ticket, key: str, value: Any, event: TicketEvent | None) -> Any:
    number = ticket.number
    if key == "set":
        ticket_update(actor=actor, number=number, changes=dict(value))
        return "set"
    if key == "assign":
        team_id = value.get("team_id", ticket.team_id)
        assignee_id = value.get("assignee_id")
        reason = "automation"
        if assignee_id is None and team_id is not None:
            choice = assignee_pick(team_id, ticket)
            assignee_id, reason = choice.user_id, choice.reason
        ticket_assign(
            actor=actor, number=number, team_id=team_id, assignee_id=assignee_id, reason=reason
        )
        return {"team_id": team_id, "assignee_id": assignee_id}
    if key == "status_id":
        ticket_change_status(actor=actor, number=number, status_id=int(value))
        return "status changed"
    if key == "comment":
        spec = value if isinstance(value, Mapping) else {"body": value}
        comment_add(
            actor=actor,
            number=number,
            body=render(str(spec.get("body", "")), ticket),
            is_public=bool(spec.get("public", False)),
        )
        return "commented"
    if key == "webhook_id":
        queued = webhook_queue(subscription_id=value, ticket=ticket, event=event)
        return "webhook queued" if queued else "no active subscription"
    if key == "child":
        child = ticket_create(
            actor=actor,
            title=render(str(value.get("title", "Follow-up to #{number}")), ticket),
            description=render(str(value.get("description", "")), ticket),
            parent_number=number,
            company_id=ticket.company_id,
            site_id=ticket.site_id,
            team_id=value.get("team_id"),
        )
        return {"child": child.number}
    if key == "close" and value:
        return _close(actor, ticket)
    return "unknown action"


def run_actions(
    trigger: Trigger, ticket: Ticket, event: TicketEvent | None = None
) -> dict[str, Any]:
    """Run the trigger's actions in order; an action that fails is reported, the rest still run."""
    actor = system_user("automation")
    result: dict[str, Any] = {}
    for key, value in trigger.actions.items():
        ticket.refresh_from_db()
        try:
            with transaction.atomic():
                result[key] = _act(actor, ticket, key, value, event)
        except DomainError as exc:
            result[key] = {"error": exc.message, "fields": exc.fields}
    return result


def _fire(trigger: Trigger, ticket: Ticket, window: str, event: TicketEvent | None) -> bool:
    """Claim the (trigger, ticket, window) row and run the actions; False if already fired."""
    try:
        with transaction.atomic():
            firing = TriggerFiring.objects.create(
                trigger=trigger, ticket=ticket, window=window[:200], event=event
            )
    except IntegrityError:
        return False
    firing.result = run_actions(trigger, ticket, event)
    firing.save(update_fields=["result"])
    logger.info("trigger %s fired on ticket %s: %s", trigger.name, ticket.number, firing.result)
    return True


def automation_on_event(event: TicketEvent) -> None:
    """The event handler: fire every active event trigger whose events and conditions match."""
    if is_system_user(event.actor_id, "automation"):
        return
    names = event_names(event)
    triggers = [
        t
        for t in Trigger.objects.filter(is_active=True, when=Trigger.When.EVENT)
        if names & set(t.events)
    ]
    if not triggers:
        return
    ticket = event.ticket
    facts = saved_ticket_facts(ticket)
    for trigger in triggers:
        if matches(trigger.conditions, facts)[0]:
            _fire(trigger, ticket, f"event:{event.pk}", event)


def _entered_status_at(ticket: Ticket) -> dt.datetime:
    last = (
        TicketEvent.objects.filter(ticket=ticket, kind=Kind.STATUS_CHANGED)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )
    return last or ticket.created_at


def _hours_in_status(ticket: Ticket, entered: dt.datetime, now: dt.datetime) -> float:
    """Working hours on the ticket's SLA calendar; calendar hours for a ticket without one."""
    minutes = working_minutes_for_ticket(ticket, entered, now)
    if minutes is None:
        return (now - entered).total_seconds() / 3600
    return minutes / 60


def _client_comment() -> Q:
    return Q(author_contact__isnull=False) | Q(author__role=Role.CONTACT)


def _time_window(trigger: Trigger, ticket: Ticket, now: dt.datetime) -> str | None:
    """The window key if the time condition holds for the ticket now, else None."""
    entered = _entered_status_at(ticket)
    if trigger.when == Trigger.When.TIME_IN_STATUS:
        if _hours_in_status(ticket, entered, now) < (trigger.hours or 0):
            return None
        return f"status:{ticket.status.code}@{entered.isoformat()}"
    comments = Comment.objects.filter(ticket=ticket)
    last_staff = (
        comments.filter(is_public=True, author__isnull=False)
        .exclude(_client_comment())
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    anchor = max(entered, last_staff) if last_staff else entered
    if now - anchor < dt.timedelta(days=trigger.days or 0):
        return None
    if comments.filter(_client_comment(), created_at__gt=anchor).exists():
        return None
    return f"noreply:{ticket.status.code}@{anchor.isoformat()}"


def _time_candidates(trigger: Trigger, now: dt.datetime) -> Iterable[Ticket]:
    tickets = Ticket.objects.select_related("status", "priority", "type", "company", "site")
    if trigger.status_code:
        tickets = tickets.filter(status__code=trigger.status_code)
    else:
        tickets = tickets.filter(phase__in=OPEN_PHASES)
    span = dt.timedelta(hours=trigger.hours or 0, days=trigger.days or 0)
    # A ticket updated after the cut-off may still qualify (updates do not move the anchor),
    # so only the creation time bounds the scan; fired windows are skipped by the claim.
    return tickets.filter(created_at__lte=now - span).iterator()


def automation_scan(now: dt.datetime | None = None) -> int:
    """Fire the time triggers that are due; returns how many firings happened."""
    now = now or timezone.now()
    fired = 0
    for trigger in Trigger.objects.filter(is_active=True).exclude(when=Trigger.When.EVENT):
        for ticket in _time_candidates(trigger, now):
            window = _time_window(trigger, ticket, now)
            if (
                window is None
                or not matches(trigger.conditions, saved_ticket_facts(ticket, now=now))[0]
            ):
                continue
            fired += _fire(trigger, ticket, window, None)
    return fired
