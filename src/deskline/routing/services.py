"""Routing writes: applying the rules to a new ticket, picking assignees, lines of support.

`route_new_ticket` runs as an in-transaction hook on each `created` event (order 10, before the
SLA hook), so a ticket is committed already routed. Its changes go through the ticket services
as the routing service user; an action that does not fit (an assignee outside the team, a
deleted priority) is skipped and explained rather than failing the ticket's creation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from deskline.accounts.models import Team, User
from deskline.core.errors import DomainError, ValidationFailed
from deskline.core.permissions import require_admin, require_staff
from deskline.routing import selectors
from deskline.routing.facts import ticket_facts
from deskline.routing.matching import Decision, decide
from deskline.routing.models import TeamRouting, TicketTag
from deskline.routing.strategies import (
    BY_SKILL,
    COMPARES_LOADS,
    MANUAL,
    ROUND_ROBIN,
    ZONES,
    Candidate,
    Choice,
    choose,
)
from deskline.routing.system import routing_user
from deskline.tickets import configuration
from deskline.tickets.events import event_record
from deskline.tickets.models import OPEN_PHASES, Ticket, TicketEvent
from deskline.tickets.services import ticket_assign, ticket_update
from deskline.tickets.writing import lock_ticket

FIELD_ACTIONS = ("priority_id", "type_id", "category_id")


def pick_assignee(team_id: int, ticket: Ticket, *, exclude: frozenset[int] = frozenset()) -> Choice:
    """Choose a member of the team by its strategy, under a lock on the team's routing row.

    The lock serialises concurrent assignments to one team until the caller's transaction
    commits, so loads and the round-robin pointer are read after the previous assignment.
    """
    routing = TeamRouting.objects.select_for_update().filter(team_id=team_id).first()
    if routing is None or routing.strategy == MANUAL:
        return Choice(None, "manual assignment")
    needs = selectors.ticket_needs(ticket, with_skills=routing.strategy == BY_SKILL)
    members = selectors.team_candidates(
        team_id,
        with_skills=routing.strategy == BY_SKILL,
        with_zones=routing.strategy == ZONES,
        with_loads=routing.strategy in COMPARES_LOADS,
    )
    candidates: list[Candidate] = [c for c in members if c.user_id not in exclude]
    choice = choose(routing.strategy, candidates, needs, last_user_id=routing.last_assignee_id)
    if choice.user_id is not None and routing.strategy == ROUND_ROBIN:
        routing.last_assignee_id = choice.user_id
        routing.save(update_fields=["last_assignee"])
    return choice


def _apply_fields(
    ticket: Ticket, decision: Decision, system: User
) -> tuple[dict[str, Any], dict[str, str]]:
    changes: dict[str, Any] = {
        k: decision.values[k]
        for k in FIELD_ACTIONS
        if k in decision.values and decision.values[k] != getattr(ticket, k)
    }
    if decision.observer_ids:
        current = set(ticket.observers.values_list("pk", flat=True))
        if not set(decision.observer_ids) <= current:
            changes["observer_ids"] = sorted(current | set(decision.observer_ids))
    applied: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    if not changes:
        return applied, skipped
    try:  # one update (one event) in the usual case; field by field only to isolate a misfit
        ticket_update(actor=system, number=ticket.number, changes=changes)
        return dict(changes), skipped
    except DomainError:
        pass
    for key, value in changes.items():
        try:
            ticket_update(actor=system, number=ticket.number, changes={key: value})
            applied[key] = value
        except DomainError as exc:
            skipped[key] = "; ".join(exc.fields.values()) or exc.message
    return applied, skipped


def _assign(ticket: Ticket, decision: Decision, system: User) -> dict[str, Any]:
    """Team and assignee from the rules (the creator's explicit choice wins), then the strategy."""
    team_id = ticket.team_id or decision.values.get("team_id")
    assignee_id = ticket.assignee_id or decision.values.get("assignee_id")
    result: dict[str, Any] = {}
    if team_id is not None and assignee_id is None:
        choice = pick_assignee(team_id, ticket)
        assignee_id = choice.user_id
        result["strategy"] = choice.reason
    if [team_id, assignee_id] == [ticket.team_id, ticket.assignee_id]:
        return result
    try:
        ticket_assign(
            actor=system,
            number=ticket.number,
            team_id=team_id,
            assignee_id=assignee_id,
            reason="routing",
        )
        result.update(team_id=team_id, assignee_id=assignee_id)
    except DomainError as exc:
        result["skipped"] = "; ".join(exc.fields.values()) or exc.message
    return result


def _strategy_applies(ticket: Ticket) -> bool:
    if ticket.team_id is None or ticket.assignee_id is not None:
        return False
    return TeamRouting.objects.filter(team_id=ticket.team_id).exclude(strategy=MANUAL).exists()


def route_ticket(ticket: Ticket, *, now: dt.datetime | None = None) -> TicketEvent | None:
    """Apply the active rule sets and the team's strategy to a ticket; explain it in history."""
    rule_sets = selectors.active_rule_sets()
    decision = decide(rule_sets, ticket_facts(ticket, now=now))
    if not decision.matched and not _strategy_applies(ticket):
        return None
    system = routing_user()
    applied, skipped = _apply_fields(ticket, decision, system)
    if applied:
        ticket.refresh_from_db()
    assignment = _assign(ticket, decision, system)
    if decision.tags:
        TicketTag.objects.bulk_create(
            [TicketTag(ticket=ticket, tag=t) for t in decision.tags], ignore_conflicts=True
        )
    data = decision.as_data()
    data.update(applied=applied, skipped=skipped, assignment=assignment)
    if "sla_policy_id" in decision.values:
        data["sla_policy_id"] = decision.values["sla_policy_id"]
    return event_record(ticket=ticket, kind=TicketEvent.Kind.ROUTED, actor=system, data=data)


def route_on_created(event: TicketEvent) -> None:
    """The in-transaction hook: route each new ticket before anything else sees it."""
    if event.kind != TicketEvent.Kind.CREATED:
        return
    routed = route_ticket(event.ticket)
    if routed is not None and _changed_ticket(routed.data):
        # The creator and later hooks (SLA) hold this instance: show them the routed values,
        # with the reference rows from the configuration cache rather than four more queries.
        event.ticket.refresh_from_db()
        configuration.attach_configuration([event.ticket])


def _changed_ticket(data: dict[str, Any]) -> bool:
    """Whether routing wrote to the ticket (a rule may match and change nothing)."""
    return bool(data["applied"]) or "assignee_id" in data["assignment"]


def tags_of(ticket: Ticket) -> list[str]:
    return sorted(TicketTag.objects.filter(ticket=ticket).values_list("tag", flat=True))


def _line_team(line: int, team_id: int | None) -> Team:
    teams = Team.objects.filter(line=line, is_active=True, is_contractor=False)
    if team_id is not None:
        teams = Team.objects.filter(pk=team_id, line=line, is_active=True)
    team = teams.order_by("name").first()
    if team is None:
        raise ValidationFailed(
            f"no active team on line {line}",
            fields={"team_id" if team_id else "direction": f"no team on line {line}"},
        )
    return team


@transaction.atomic
def ticket_escalate_line(
    *, actor: User, number: int, direction: str, reason: str, team_id: int | None = None
) -> Ticket:
    """Move the ticket to the next (up) or previous (down) line's team, with a reason."""
    require_staff(actor)
    if direction not in ("up", "down"):
        raise ValidationFailed("direction is up or down", fields={"direction": "up or down"})
    if not reason.strip():
        raise ValidationFailed("a reason is required", fields={"reason": "must not be empty"})
    ticket = lock_ticket(actor, number, None)
    current = ticket.team.line if ticket.team else 1
    target_line = current + 1 if direction == "up" else current - 1
    if not Team.Line.FIRST <= target_line <= Team.Line.THIRD:
        raise ValidationFailed(
            f"there is no line {target_line}", fields={"direction": f"already on line {current}"}
        )
    team = _line_team(target_line, team_id)
    choice = pick_assignee(team.pk, ticket)
    before_team = ticket.team_id
    ticket_assign(
        actor=actor, number=number, team_id=team.pk, assignee_id=choice.user_id, reason=reason
    )
    ticket.refresh_from_db()
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.ESCALATED,
        actor=actor,
        changes={"team_id": [before_team, team.pk], "line": [current, target_line]},
        data={"direction": direction, "reason": reason.strip(), "assignment": choice.reason},
    )
    return ticket


@transaction.atomic
def agent_tickets_redistribute(*, actor: User, user_id: int) -> dict[int, int | None]:
    """Hand an agent's open tickets to their teams' other members (e.g. when they leave)."""
    require_admin(actor)
    moved: dict[int, int | None] = {}
    tickets = Ticket.objects.filter(assignee_id=user_id, phase__in=OPEN_PHASES).order_by("pk")
    for ticket in tickets:
        choice = (
            pick_assignee(ticket.team_id, ticket, exclude=frozenset({user_id}))
            if ticket.team_id
            else Choice(None, "no team")
        )
        ticket_assign(
            actor=actor,
            number=ticket.number,
            team_id=ticket.team_id,
            assignee_id=choice.user_id,
            reason=f"redistributed: {choice.reason}",
        )
        moved[ticket.number] = choice.user_id
    return moved
