"""Choosing a member of a team by the team's assignment strategy (the reads it needs and the
round-robin counter), shared by the routing decider, automation and line escalation.

Round robin takes the team's next turn in one `UPDATE ... RETURNING` committed at once (its own
short transaction when the caller has none): concurrent creators get distinct, consecutive
turns without waiting for each other's tickets to commit. The strategies that compare loads
read loads the new ticket will change, so they lock the team's routing row until the caller's
transaction commits (the create then decides inside its transaction, see
`tickets.deciders`); outside a transaction they choose without the lock.
"""

from __future__ import annotations

from django.db import connection, transaction

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
    TicketNeeds,
    choose,
)
from deskline.tickets.models import Ticket

_TAKE_TURN = (
    f"UPDATE {TeamRouting._meta.db_table} SET turn = turn + 1 "  # noqa: S608 - our table name
    "WHERE team_id = %s RETURNING turn"
)


#: On PostgreSQL, one simple-protocol query string: one implicit transaction whose commit does
#: not wait for the WAL flush (see `take_turn`).
_TAKE_TURN_UNFLUSHED = "SET LOCAL synchronous_commit TO OFF; " + _TAKE_TURN


def take_turn(team_id: int) -> int:
    """Advance the team's round-robin counter; the turn it gives (0: the team has no row).

    Concurrent creators wait for each other here: the row stays locked until the transaction
    that advanced it ends. On PostgreSQL outside a transaction the UPDATE is therefore sent in
    one query string with `SET LOCAL synchronous_commit TO OFF`, a transaction of its own that
    holds the row only while the server runs it: not over BEGIN and COMMIT round trips (a web
    thread waiting for the GIL before sending its COMMIT kept every other creator of the team
    waiting), and not over the WAL flush (an fdatasync per turn, one after the other, capped
    routed creates at ~100/s). A crash may then forget the last few turns: the next tickets
    repeat a few members' turns, which is all the counter is for. SQLite queues writers only at
    BEGIN (`core.sqlite3`), so there it keeps its short transaction.
    """
    if connection.vendor == "postgresql" and connection.get_autocommit():
        with connection.cursor() as cursor:
            cursor.execute(_TAKE_TURN_UNFLUSHED, [team_id])
            cursor.nextset()  # the UPDATE's rows follow the SET's empty result
            row = cursor.fetchone()
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_TAKE_TURN, [team_id])
            row = cursor.fetchone()
    return int(row[0]) if row else 0


def assignee_pick(team_id: int, ticket: Ticket, *, exclude: frozenset[int] = frozenset()) -> Choice:
    """Choose a member of the team by its strategy (see the module for the locking)."""
    strategy = selectors.team_strategies().get(team_id, MANUAL)
    if strategy == MANUAL:
        return Choice(None, "manual assignment")
    if strategy == ROUND_ROBIN:
        # Presence and capacity only, from the per-process roster (`selectors.team_roster`).
        members = [c for c in selectors.roster_candidates(team_id) if c.user_id not in exclude]
        if not any(c.available for c in members):
            return choose(strategy, members, TicketNeeds())  # nobody to give a turn to: keep it
        return choose(strategy, members, TicketNeeds(), turn=take_turn(team_id))
    if strategy in COMPARES_LOADS and connection.in_atomic_block:
        list(TeamRouting.objects.select_for_update().filter(team_id=team_id).values_list("pk"))
    needs = selectors.ticket_needs(ticket, with_skills=strategy == BY_SKILL)
    members = selectors.team_candidates(
        team_id,
        with_skills=strategy == BY_SKILL,
        with_zones=strategy == ZONES,
        with_loads=strategy in COMPARES_LOADS,
    )
    candidates: list[Candidate] = [c for c in members if c.user_id not in exclude]
    return choose(strategy, candidates, needs)
