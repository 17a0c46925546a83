"""Choosing a team member by the team's assignment strategy (the reads and the one write it
needs: the round-robin pointer), shared by the routing decider, automation and line escalation.
"""

from __future__ import annotations

from deskline.routing import selectors
from deskline.routing.models import TeamRouting
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
from deskline.tickets.models import Ticket


def assignee_pick(team_id: int, ticket: Ticket, *, exclude: frozenset[int] = frozenset()) -> Choice:
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
