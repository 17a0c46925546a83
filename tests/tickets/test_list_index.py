"""A list narrowed to one status and one team reads the (status, team, updated_at, id) index
by both columns, in order, on both databases (`listing.pinned_filters`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import User
from deskline.core.statistics import statistics_refresh
from deskline.tickets.models import Ticket
from deskline.tickets.selectors import TicketFilters, ticket_list_for
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_teams(make_ticket: Any) -> tuple[list[Ticket], list[Ticket]]:
    """Tickets of one status in a low-numbered team and in a higher one, interleaved."""
    low, high = TeamFactory(name="Low"), TeamFactory(name="High")
    lows, highs = [], []
    for _ in range(4):
        lows.append(make_ticket(team_id=low.pk))
        highs.append(make_ticket(team_id=high.pk))
    return lows, highs


def _page_sql(admin: User, status_id: int, team_id: int, cursor: str = "") -> tuple[Any, str]:
    filters = TicketFilters(status=[status_id], team=[team_id])
    with CaptureQueriesContext(connection) as ctx:
        page = ticket_list_for(user=admin, filters=filters, cursor=cursor, limit=3)
    listing = [q["sql"] for q in ctx.captured_queries if 'FROM "tickets_ticket"' in q["sql"]]
    return page, listing[-1]


def test_pages_of_one_status_and_team_hold_only_its_tickets_newest_first(
    admin: User, two_teams: tuple[list[Ticket], list[Ticket]]
) -> None:
    lows, _ = two_teams
    first, _ = _page_sql(admin, lows[0].status_id, lows[0].team_id)
    second, _ = _page_sql(admin, lows[0].status_id, lows[0].team_id, first.next_cursor)

    numbers = [t.number for t in first.items] + [t.number for t in second.items]
    assert numbers == [t.number for t in reversed(lows)]
    assert second.next_cursor is None


def test_the_status_is_compared_with_equals_and_only_the_team_as_a_range(
    admin: User, two_teams: tuple[list[Ticket], list[Ticket]]
) -> None:
    lows, _ = two_teams
    _, sql = _page_sql(admin, lows[0].status_id, lows[0].team_id)

    assert f'"tickets_ticket"."status_id" = {lows[0].status_id}' in sql
    assert f'"tickets_ticket"."team_id" >= {lows[0].team_id}' in sql
    assert '"tickets_ticket"."status_id" >= ' not in sql


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan (EXPLAIN QUERY PLAN)")
def test_sqlite_searches_the_index_by_status_and_team_without_sorting(
    admin: User, two_teams: tuple[list[Ticket], list[Ticket]]
) -> None:
    """With a range on status too, SQLite searched the index by status alone and read every
    ticket of the status in a higher team before the lowest team's first."""
    lows, _ = two_teams
    statistics_refresh()
    _, sql = _page_sql(admin, lows[0].status_id, lows[0].team_id)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())

    assert "ticket_status_team_upd (status_id=? AND team_id>? AND team_id<?)" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
