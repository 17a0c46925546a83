"""Planner statistics on SQLite and after a bulk load, and the literal `IN` that lets it use a partial index."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from deskline.core.statistics import statistics_after_load, statistics_refresh
from deskline.tickets.models import OPEN_PHASES, Phase, Ticket
from deskline.tickets.saved_views import view_condition
from tests.servers import postgresql_only

pytestmark = pytest.mark.django_db


def test_the_open_tickets_filter_writes_the_phases_into_the_sql() -> None:
    sql = str(Ticket.objects.filter(phase__in_literal=[str(p) for p in OPEN_PHASES]).query)
    assert """IN ('new', 'open', 'waiting')""" in sql


@pytest.mark.parametrize("values", [["open'; DROP TABLE x; --"], ["Open"], [], [1]])
def test_in_literal_refuses_anything_but_plain_identifiers(values: list[Any]) -> None:
    with pytest.raises(ValueError, match="plain lower-case identifiers"):
        str(Ticket.objects.filter(phase__in_literal=values).query)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only: PostgreSQL analyses itself")
def test_sqlite_statistics_lead_the_open_tab_through_the_partial_index(
    make_ticket: Any, admin: Any
) -> None:
    for n in range(60):
        make_ticket(title=f"Printer {n}")
    Ticket.objects.filter(pk__in=Ticket.objects.order_by("pk").values("pk")[:50]).update(
        phase=Phase.CLOSED
    )
    with connection.cursor() as cursor:  # the test database's migrate refreshed them already
        assert cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).fetchone() == (1,)
    assert statistics_refresh() is True
    with connection.cursor() as cursor:
        assert cursor.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 0
        query = Ticket.objects.filter(view_condition(admin, "open")).order_by("-updated_at", "-id")[
            :51
        ]
        sql, params = query.query.sql_with_params()
        plan = " ".join(str(row) for row in cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "ticket_open_updated" in plan and "TEMP B-TREE" not in plan


@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL only")
def test_postgresql_needs_no_statistics_refresh() -> None:
    assert statistics_refresh() is False


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_a_load_postgresql_vacuums_and_analyses_every_table(make_ticket: Any) -> None:
    make_ticket(title="Printer jams")
    statistics_after_load()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname IN "
            "('tickets_ticket', 'accounts_user') AND last_vacuum IS NOT NULL "
            "AND last_analyze IS NOT NULL"
        )
        assert {row[0] for row in cursor.fetchall()} == {"tickets_ticket", "accounts_user"}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_after_a_load_sqlite_refreshes_its_sampled_statistics(make_ticket: Any) -> None:
    make_ticket(title="Printer jams")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")
        statistics_after_load()
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'tickets_ticket'")
        assert cursor.fetchone()[0] > 0
