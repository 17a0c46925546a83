"""Tickets created at the same moment are still spread evenly over a team.

On PostgreSQL the tickets are created from parallel threads (each with its own connection); the
lock on the team's routing row serialises the choice. SQLite allows one writer at a time, so
there the same property is asserted for the serial form.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from deskline.tickets.models import Ticket
from deskline.tickets.services import ticket_create

THREADS = 6
PER_THREAD = 6


def _create_in_parallel(admin, team_id: int) -> list[BaseException]:
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def create_many() -> None:
        try:
            start.wait()
            for i in range(PER_THREAD):
                ticket_create(actor=admin, title=f"parallel {i}", team_id=team_id)
        except BaseException as exc:  # reported below: a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create_many) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _spread(team_id: int) -> Counter:
    return Counter(Ticket.objects.filter(team_id=team_id).values_list("assignee_id", flat=True))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("strategy", ["round_robin", "least_loaded"])
def test_simultaneous_tickets_spread_evenly(admin, make_team, agents, strategy):
    team = make_team(strategy)
    total = THREADS * PER_THREAD
    if connection.vendor == "postgresql":
        assert _create_in_parallel(admin, team.pk) == []
    else:  # SQLite: one writer at a time, so the serial form of the same property
        for i in range(total):
            ticket_create(actor=admin, title=f"serial {i}", team_id=team.pk)
    spread = _spread(team.pk)
    assert sum(spread.values()) == total
    assert set(spread) == {a.pk for a in agents}
    assert set(spread.values()) == {total // len(agents)}
