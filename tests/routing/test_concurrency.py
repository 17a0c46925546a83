"""Tickets created at the same moment are still spread evenly over a team.

The tickets are created from parallel threads, each with its own connection: round robin
hands out the team's turns in one short statement each (on SQLite a short write transaction
of its own, queued with the other writers), the load-comparing strategies lock the team's
routing row until the ticket commits (SQLite: they decide inside the create's transaction,
which holds the database's write lock). Every create takes its own turn, and the turn decides
the member: consecutive turns go to consecutive available members, whoever commits first.
"""

from __future__ import annotations

import re
import threading
from collections import Counter

import pytest
from django.db import connection, connections

from deskline.accounts.models import Role
from deskline.routing.models import TeamRouting
from deskline.tickets.models import Ticket
from deskline.tickets.observers import remove_observer, ticket_observer
from deskline.tickets.services import ticket_create
from tests.factories import UserFactory
from tests.routing.conftest import set_profile

THREADS = 6
PER_THREAD = 6


def _create_in_parallel(
    admin, team_id: int, threads: int = THREADS, per_thread: int = PER_THREAD
) -> list[BaseException]:
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def create_many() -> None:
        try:
            start.wait()
            for i in range(per_thread):
                ticket_create(actor=admin, title=f"parallel {i}", team_id=team_id)
        except BaseException as exc:  # reported below: a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    running = [threading.Thread(target=create_many) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return errors


def _spread(team_id: int) -> Counter:
    return Counter(Ticket.objects.filter(team_id=team_id).values_list("assignee_id", flat=True))


def _turns(team_id: int) -> dict[int, int | None]:
    """Each ticket's round-robin turn (from its `created` event's record) and its assignee."""
    turns: dict[int, int | None] = {}
    for ticket in Ticket.objects.filter(team_id=team_id).prefetch_related("events"):
        (created,) = [e for e in ticket.events.all() if e.kind == "created"]
        reason = created.data["decisions"]["routing"]["assignment"]["strategy"]
        match = re.fullmatch(r"round robin: turn (\d+) of \d+ available", reason)
        assert match, reason
        turn = int(match[1])
        assert turn not in turns, f"turn {turn} was handed out twice"
        turns[turn] = ticket.assignee_id
    return turns


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("strategy", ["round_robin", "least_loaded"])
def test_simultaneous_tickets_spread_evenly(admin, make_team, agents, strategy):
    team = make_team(strategy)
    total = THREADS * PER_THREAD
    assert _create_in_parallel(admin, team.pk) == []
    spread = _spread(team.pk)
    assert sum(spread.values()) == total
    assert set(spread) == {a.pk for a in agents}
    assert set(spread.values()) == {total // len(agents)}


def _skip_on_sqlite() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: creators cannot overlap there")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_round_robin_over_many_agents_stays_even_in_order_and_skips_the_unavailable(
    admin, make_team
):
    agents = [UserFactory(username=f"rr{i}", role=Role.AGENT) for i in range(12)]
    away, full = agents[3], agents[7]
    set_profile(away, is_away=True)
    set_profile(full, capacity=0)
    team = make_team("round_robin", members=agents)
    threads, per_thread = 8, 9
    assert _create_in_parallel(admin, team.pk, threads, per_thread) == []
    spread = _spread(team.pk)
    available = {a.pk for a in agents} - {away.pk, full.pk}
    assert set(spread) == available
    assert max(spread.values()) - min(spread.values()) <= 1
    # Every create took its own turn: none was handed out twice, none skipped.
    assert TeamRouting.objects.get(team=team).turn == threads * per_thread
    # ... and the turn decided the member: turn n went to the n-th available one, cyclically.
    ready = sorted(available)
    turns = _turns(team.pk)
    assert sorted(turns) == list(range(1, threads * per_thread + 1))
    assert all(assignee == ready[(turn - 1) % len(ready)] for turn, assignee in turns.items())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_round_robin_create_waits_for_no_other_creators_commit(admin, make_team, agents):
    _skip_on_sqlite()
    team = make_team("round_robin")
    inside, finish = threading.Event(), threading.Event()
    released_in_time: list[bool] = []

    @ticket_observer("test.hold_first_create_open")
    def hold_open(event) -> None:
        if event.ticket.title == "held":
            inside.set()
            released_in_time.append(finish.wait(10))  # False: the second create waited for us

    errors: list[BaseException] = []

    def create_held() -> None:
        try:
            ticket_create(actor=admin, title="held", team_id=team.pk)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    holder = threading.Thread(target=create_held)
    holder.start()
    try:
        assert inside.wait(10)
        # The first create's transaction is open and assigned; the next one still goes through.
        second = ticket_create(actor=admin, title="not held", team_id=team.pk)
    finally:
        finish.set()
        holder.join()
        remove_observer("test.hold_first_create_open")
    assert errors == []
    assert released_in_time == [True]
    first = Ticket.objects.get(title="held")
    assert {first.assignee_id, second.assignee_id} == {agents[0].pk, agents[1].pk}
