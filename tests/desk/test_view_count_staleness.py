"""The desk's view counts are kept for DESKLINE_VIEW_COUNT_SECONDS: until three quarters of
that window a page shows the counted value with no counting query (then one process counts
again), and past it the exact count, whether tickets were created, closed, or only the clock
moved a deadline past. (tests/desk/test_shared_view_counts.py: the counts shared by users.)"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deskline.accounts.models import Team, User
from deskline.tickets.models import Status, Ticket
from deskline.tickets.saved_views import view_counts, view_counts_cached
from deskline.tickets.services import ticket_change_status
from tests.desk.conftest import STALENESS, Clock

pytestmark = pytest.mark.django_db


def _count(user: User, view: str) -> int:
    return {c.view: c.count for c in view_counts_cached(user=user)}[view]


def _exact(user: User, view: str) -> int:
    return {c.view: c.count for c in view_counts(user=user)}[view]


def _counting_queries(ctx: CaptureQueriesContext) -> int:
    return sum("COUNT(*)" in q["sql"] for q in ctx.captured_queries)


def test_within_the_window_a_new_ticket_is_not_counted_and_no_count_query_runs(
    clock: Clock, agent: User, team: Team, tickets: Callable[..., list[Any]]
) -> None:
    tickets(2, team_id=team.pk)
    assert _count(agent, "unassigned") == 2
    tickets(1, team_id=team.pk)
    clock.advance(STALENESS * 0.75 - 1)  # the refresh point: 3/4 of the window
    with CaptureQueriesContext(connection) as ctx:
        assert _count(agent, "unassigned") == 2
    assert _counting_queries(ctx) == 0


def test_past_the_window_a_new_ticket_is_counted(
    clock: Clock, agent: User, team: Team, tickets: Callable[..., list[Any]]
) -> None:
    tickets(2, team_id=team.pk)
    assert _count(agent, "unassigned") == 2
    tickets(1, team_id=team.pk)
    clock.advance(STALENESS)
    assert _count(agent, "unassigned") == 3 == _exact(agent, "unassigned")


def test_past_the_window_a_closed_ticket_leaves_the_counts(
    clock: Clock, agent: User, admin: User, team: Team, tickets: Callable[..., list[Any]]
) -> None:
    first, _second = tickets(2, team_id=team.pk, assignee_id=agent.pk)
    assert _count(agent, "mine") == 2
    closed = Status.objects.get(code="closed")
    ticket_change_status(actor=admin, number=first.number, status_id=closed.pk, comment="Done.")
    clock.advance(STALENESS / 2)
    assert _count(agent, "mine") == 2
    clock.advance(STALENESS / 2)
    assert _count(agent, "mine") == 1 == _exact(agent, "mine")


def test_a_deadline_passing_with_no_change_shows_as_overdue_within_the_window(
    clock: Clock, agent: User, team: Team, tickets: Callable[..., list[Any]]
) -> None:
    (ticket,) = tickets(1, team_id=team.pk)
    due = timezone.now() + dt.timedelta(seconds=5)
    Ticket.objects.filter(pk=ticket.pk).update(resolution_due=due, reaction_due=None)
    assert _count(agent, "overdue") == 0
    clock.advance(10)  # past the deadline, within the window: still the counted value
    assert _count(agent, "overdue") == 0
    clock.advance(STALENESS)
    assert _count(agent, "overdue") == 1 == _exact(agent, "overdue")


def test_counts_are_kept_per_user(
    clock: Clock, agent: User, admin: User, team: Team, tickets: Callable[..., list[Any]]
) -> None:
    tickets(1, team_id=team.pk, assignee_id=agent.pk)
    assert _count(agent, "mine") == 1
    assert _count(admin, "mine") == 0


def test_a_zero_window_counts_on_every_call(
    clock: Clock, settings: Any, agent: User, team: Team, tickets: Callable[..., list[Any]]
) -> None:
    settings.DESKLINE_VIEW_COUNT_SECONDS = 0
    tickets(1, team_id=team.pk)
    assert _count(agent, "unassigned") == 1
    tickets(1, team_id=team.pk)
    assert _count(agent, "unassigned") == 2


def _tab_count(response: Any, view: str) -> int:
    found = re.search(
        rf'href="\?view={view}"[^>]*>[^<]*<span class="count">(\d+)', response.content.decode()
    )
    assert found, f"no count on the {view} tab"
    return int(found.group(1))


def test_the_list_page_shows_cached_counts_and_says_how_old_they_may_be(
    clock: Clock, agent_client: Client, team: Team, tickets: Callable[..., list[Any]]
) -> None:
    tickets(1, team_id=team.pk)
    assert _tab_count(agent_client.get("/"), "unassigned") == 1
    tickets(1, team_id=team.pk)
    response = agent_client.get("/")
    assert _tab_count(response, "unassigned") == 1
    assert f"Counted at most {STALENESS} s ago." in response.content.decode()
    clock.advance(STALENESS)
    assert _tab_count(agent_client.get("/"), "unassigned") == 2
