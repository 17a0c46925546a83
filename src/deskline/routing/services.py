"""Routing writes: lines of support (escalating a ticket up or down) and redistributing an
agent's tickets. A new ticket is routed before its INSERT by `routing.decider`.

These functions decide (which team, which member) and then write through the ticket services,
like any other caller of them.
"""

from __future__ import annotations

from django.db import transaction

from deskline.accounts.models import Team, User
from deskline.core.errors import ValidationFailed
from deskline.core.permissions import require_admin, require_staff
from deskline.routing.assignment import assignee_pick
from deskline.routing.models import TicketTag
from deskline.routing.strategies import Choice
from deskline.tickets.models import OPEN_PHASES, Ticket
from deskline.tickets.services import ticket_assign, ticket_escalate
from deskline.tickets.writing import lock_ticket


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
def line_escalate(
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
    choice = assignee_pick(team.pk, ticket)
    return ticket_escalate(
        actor=actor,
        number=number,
        team_id=team.pk,
        assignee_id=choice.user_id,
        line=(current, target_line),
        direction=direction,
        reason=reason,
        assignment=choice.reason,
    )


@transaction.atomic
def agent_tickets_redistribute(*, actor: User, user_id: int) -> dict[int, int | None]:
    """Hand an agent's open tickets to their teams' other members (e.g. when they leave)."""
    require_admin(actor)
    moved: dict[int, int | None] = {}
    tickets = Ticket.objects.filter(assignee_id=user_id, phase__in=OPEN_PHASES).order_by("pk")
    for ticket in tickets:
        choice = (
            assignee_pick(ticket.team_id, ticket, exclude=frozenset({user_id}))
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
