"""Querysets compiled once and run again with new values (`core.prepared`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, QuerySet
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import User
from deskline.core.prepared import PreparedQuery
from deskline.tickets.models import Comment, Ticket
from tests.servers import postgresql_only

pytestmark = pytest.mark.django_db


def _tickets(*, number: int) -> QuerySet[Ticket]:
    return Ticket.objects.filter(number=number).select_related("status", "assignee")


def test_a_prepared_query_gives_the_rows_the_queryset_gives(make_ticket: Any, agent: User) -> None:
    one, two = make_ticket(title="One", assignee_id=agent.pk), make_ticket(title="Two")
    prepared: PreparedQuery[Ticket] = PreparedQuery(_tickets)
    for ticket in (one, two, one):
        [row] = prepared.all(number=ticket.number)
        [plain] = _tickets(number=ticket.number)
        assert (row.pk, row.title, row.status.code, row.assignee) == (
            plain.pk, plain.title, plain.status.code, plain.assignee)  # fmt: skip


def test_it_is_compiled_once_per_shape(make_ticket: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []

    def build(*, ids: list[int], open_only: bool) -> QuerySet[Ticket]:
        built.append(len(ids))
        rows = Ticket.objects.filter(pk__in=ids).order_by("pk")
        return rows.filter(closed_at__isnull=True) if open_only else rows

    prepared: PreparedQuery[Ticket] = PreparedQuery(build)
    a, b, c = make_ticket(), make_ticket(), make_ticket()
    assert prepared.all(shape={"open_only": True}, ids=[a.pk, b.pk]) == [a, b]
    assert prepared.all(shape={"open_only": True}, ids=[b.pk, c.pk]) == [b, c]
    assert prepared.all(shape={"open_only": True}, ids=[c.pk]) == [c]  # another list length
    assert prepared.all(shape={"open_only": False}, ids=[a.pk]) == [a]
    assert built == [2, 1, 1]


def test_values_annotations_and_dates_come_back_as_the_queryset_gives_them(
    make_ticket: Any, admin: User
) -> None:
    ticket = make_ticket()
    Comment.objects.create(
        ticket=ticket, body="x", created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )

    def build(*, ticket_id: int, since: dt.date) -> QuerySet[Any]:
        return (
            Comment.objects.filter(ticket_id=ticket_id, created_at__date__gte=since)
            .values("ticket_id")
            .annotate(n=Count("pk"))
            .order_by()
        )

    prepared: PreparedQuery[dict[str, Any]] = PreparedQuery(build)
    early, late = dt.date(2025, 12, 31), dt.date(2026, 1, 2)
    assert prepared.all(ticket_id=ticket.pk, since=early) == [{"ticket_id": ticket.pk, "n": 1}]
    assert prepared.all(ticket_id=ticket.pk, since=late) == list(
        build(ticket_id=ticket.pk, since=late)
    )


def test_prefetches_run_as_the_querysets_would(make_ticket: Any, admin: User) -> None:
    ticket = make_ticket()
    Comment.objects.create(
        ticket=ticket, body="x", created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    prepared: PreparedQuery[Ticket] = PreparedQuery(
        lambda *, pk: Ticket.objects.filter(pk=pk).prefetch_related("comments")
    )
    with CaptureQueriesContext(connection) as ctx:
        [row] = prepared.all(pk=ticket.pk)
        assert [c.body for c in row.comments.all()] == ["x"]
    assert len(ctx.captured_queries) == 2


def test_a_value_written_into_the_sql_is_refused(make_ticket: Any) -> None:
    prepared: PreparedQuery[Ticket] = PreparedQuery(
        lambda *, limit: Ticket.objects.order_by("pk")[:limit]
    )
    with pytest.raises(ValueError, match="do not reach the SQL"):
        prepared.all(limit=3)


def test_a_query_that_can_match_nothing_runs_the_ordinary_way(make_ticket: Any) -> None:
    ticket = make_ticket()
    prepared: PreparedQuery[Ticket] = PreparedQuery(
        lambda *, ids: Ticket.objects.filter(pk__in=ids)
    )
    with CaptureQueriesContext(connection) as ctx:
        assert prepared.all(ids=[]) == []
    assert len(ctx.captured_queries) == 0
    assert prepared.all(ids=[ticket.pk]) == [ticket]


def test_values_other_than_ints_strings_and_dates_are_refused() -> None:
    prepared: PreparedQuery[Ticket] = PreparedQuery(
        lambda *, flag: Ticket.objects.filter(not_covered=flag)
    )
    with pytest.raises(TypeError):
        prepared.all(flag=True)


def _prepared_statements() -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans FROM pg_prepared_statements")
        return list(cursor.fetchall())


@postgresql_only
def test_a_plan_once_query_is_prepared_on_the_connection_and_stops_being_planned(
    make_ticket: Any, agent: User
) -> None:
    tickets = [make_ticket(title=f"T{i}", assignee_id=agent.pk) for i in range(8)]
    prepared: PreparedQuery[Ticket] = PreparedQuery(_tickets, plan_once=True)
    before = {statement for statement, _ in _prepared_statements()}
    for ticket in tickets:
        [row] = prepared.all(number=ticket.number)
        assert (row.pk, row.title, row.assignee) == (ticket.pk, ticket.title, agent)
    [(statement, generic_plans)] = [s for s in _prepared_statements() if s[0] not in before]
    assert "$1" in statement and generic_plans >= 1  # PostgreSQL reuses one plan


@postgresql_only
def test_plan_once_is_off_behind_a_pooler_that_cannot_keep_statements(
    make_ticket: Any, settings: Any
) -> None:
    settings.DESKLINE_DB_PLAN_ONCE = False
    ticket = make_ticket()
    prepared: PreparedQuery[Ticket] = PreparedQuery(_tickets, plan_once=True)
    before = _prepared_statements()
    assert [t.pk for t in prepared.all(number=ticket.number)] == [ticket.pk]
    assert _prepared_statements() == before


def test_a_plan_once_query_is_counted_and_logged_like_any_other(make_ticket: Any) -> None:
    ticket = make_ticket()
    prepared: PreparedQuery[Ticket] = PreparedQuery(_tickets, plan_once=True)
    with CaptureQueriesContext(connection) as queries:
        prepared.all(number=ticket.number)
    [query] = queries.captured_queries
    assert query["sql"].startswith("SELECT") and "tickets_ticket" in query["sql"]
