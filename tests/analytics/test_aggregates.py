"""The daily aggregates: kept current by the event reaction, rebuildable, and equal to a direct
count over the tickets on random filters."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from deskline.analytics.counter_upsert import add_counters
from deskline.analytics.facts import key_split
from deskline.analytics.models import (
    AGENT_DIMENSIONS,
    COUNTERS,
    DIMENSIONS,
    ROLLUP_DIMENSIONS,
    DailyAgentStats,
    DailyTeamStats,
    DailyTicketStats,
    TicketFact,
)
from deskline.analytics.selectors import (
    StatsFilter,
    stats_breakdown,
    stats_direct_totals,
    stats_series,
    stats_table,
    stats_totals,
)
from deskline.analytics.services import stats_rebuild
from deskline.tickets.models import Priority, TicketType
from tests.analytics.conftest import DAY0


def test_the_reaction_counts_each_new_ticket(make_ticket, dispatch):
    ticket = make_ticket(channel="email")
    dispatch()
    assert TicketFact.objects.filter(ticket_id=ticket.pk).exists()
    today = ticket.created_at.date()
    assert stats_totals(f=StatsFilter(start=today, end=today))["created"] == 1


def test_aggregates_equal_a_direct_count_on_random_filters(world):
    rnd = world["rnd"]
    types = list(TicketType.objects.values_list("pk", flat=True))
    priorities = list(Priority.objects.values_list("pk", flat=True))
    for _ in range(40):
        start = DAY0.date() + dt.timedelta(days=rnd.randrange(0, 14))
        f = StatsFilter(
            start=start,
            end=start + dt.timedelta(days=rnd.randrange(0, 10)),
            team=rnd.choice([None, *(t.pk for t in world["teams"])]),
            company=rnd.choice([None, None, *(c.pk for c in world["companies"])]),
            company_category=rnd.choice([None, None, world["category"].pk]),
            type=rnd.choice([None, None, *types]),
            priority=rnd.choice([None, *priorities]),
            channel=rnd.choice([None, "api", "email", "portal"]),
        )
        assert stats_totals(f=f) == stats_direct_totals(f=f), f


def test_the_whole_period_sums_every_ticket(world):
    f = StatsFilter(start=DAY0.date(), end=DAY0.date() + dt.timedelta(days=30))
    totals = stats_totals(f=f)
    assert totals["created"] == 30 and totals["resolved"] == 20
    assert totals == stats_direct_totals(f=f)
    assert sum(r["created"] for r in stats_series(f=f, grain="week")) == 30
    assert sum(r["created"] for r in stats_breakdown(f=f, by="team")) == 30


def test_a_rebuild_gives_the_same_rows_as_the_event_stream(world):
    def snapshot():
        return sorted(
            DailyTicketStats.objects.exclude(
                created=0, resolved=0, reaction_met=0, reaction_breached=0
            ).values_list(  # fmt: skip
                "day",
                "team_id",
                "agent_id",
                "company_id",
                "priority_id",
                "type_id",
                "channel",
                "created",
                "resolved",
                "first_response_minutes",
                "resolution_minutes",
                "rating_sum",
            )  # fmt: skip
        )

    def rollup():
        return sorted(
            DailyTeamStats.objects.exclude(
                created=0, resolved=0, reaction_met=0, reaction_breached=0
            ).values_list(  # fmt: skip
                "day",
                "team_id",
                "priority_id",
                "type_id",
                "channel",
                "created",
                "resolved",
                "resolution_minutes",
                "rating_sum",
            )  # fmt: skip
        )

    before, rolled = snapshot(), rollup()
    DailyTicketStats.objects.all().delete()
    assert stats_rebuild() == 30
    assert snapshot() == before
    assert rollup() == rolled


def test_a_rebuild_that_flushes_as_it_goes_gives_the_same_rows(world, monkeypatch):
    from deskline.analytics import services

    def every_row():
        return {
            model: sorted(model.objects.values_list(*fields))
            for model, fields in (
                (DailyTicketStats, ("day", *DIMENSIONS, *COUNTERS)),
                (DailyTeamStats, ("day", *ROLLUP_DIMENSIONS, *COUNTERS)),
                (DailyAgentStats, ("day", *AGENT_DIMENSIONS, *COUNTERS)),
            )
        }

    stats_rebuild()
    held_whole = every_row()
    # Chunks of 7 tickets, partial sums written after every chunk: keys meet again across
    # flushes and must add up, not overwrite nor duplicate.
    monkeypatch.setattr(services, "REBUILD_CHUNK", 7)
    monkeypatch.setattr(services, "REBUILD_FLUSH_KEYS", 1)
    assert stats_rebuild() == 30
    assert every_row() == held_whole


def test_counters_added_to_an_existing_row_are_summed(db):
    key = "2026-01-05|1|2|3|4|5|email"
    add_counters(DailyTicketStats, ("day", *DIMENSIONS), {key: {"created": 2}}, key_split)
    add_counters(
        DailyTicketStats, ("day", *DIMENSIONS), {key: {"created": 3, "resolved": 1}}, key_split
    )
    row = DailyTicketStats.objects.get()
    assert (row.created, row.resolved, row.channel) == (5, 1, "email")


def test_the_rebuild_command_reports_the_tickets(world, capsys):
    from deskline.cli import _pass_through

    assert _pass_through(["analytics", "rebuild"]) == ["analytics_rebuild"]
    from django.core.management import call_command

    call_command("analytics_rebuild")
    assert "from 30 tickets" in capsys.readouterr().out


def test_reopen_and_first_contact_resolution_are_counted(make_ticket, admin, dispatch):
    from django.utils import timezone

    from deskline.tickets.services import comment_add, ticket_change_status, ticket_reopen

    once = make_ticket(title="Solved at once")
    comment_add(actor=admin, number=once.number, body="Restart it")
    ticket_change_status(actor=admin, number=once.number, status_code="resolved")
    twice = make_ticket(title="Came back")
    comment_add(actor=admin, number=twice.number, body="Try this")
    ticket_change_status(actor=admin, number=twice.number, status_code="resolved")
    ticket_reopen(actor=admin, number=twice.number, comment="Still broken")
    ticket_change_status(actor=admin, number=twice.number, status_code="resolved")
    chatty = make_ticket(title="Many replies")
    for body in ("One", "Two"):
        comment_add(actor=admin, number=chatty.number, body=body)
    comment_add(actor=admin, number=chatty.number, body="internal", is_public=False)
    ticket_change_status(actor=admin, number=chatty.number, status_code="resolved")
    dispatch()
    today = timezone.now().date()
    f = StatsFilter(start=today, end=today)
    totals = stats_totals(f=f)
    assert (totals["resolved"], totals["reopened"], totals["first_contact"]) == (3, 1, 1)
    assert totals == stats_direct_totals(f=f)
    stats_rebuild()
    assert stats_totals(f=f) == totals


def _agent_sums(model) -> list[tuple]:
    """Each day × team × agent's counters summed from `model`'s rows, zero sums left out."""
    rows = model.objects.values("day", *AGENT_DIMENSIONS).annotate(
        **{f"sum_{c}": Sum(c) for c in COUNTERS}
    )
    return sorted(tuple(row.values()) for row in rows if any(row[f"sum_{c}"] for c in COUNTERS))


def _assign_agents(world, agents) -> None:
    """Spread the world's tickets over two agents and nobody (through the event reaction)."""
    from deskline.analytics.services import stats_ticket_refresh
    from deskline.tickets.models import Ticket

    for i, ticket in enumerate(Ticket.objects.order_by("pk")):
        Ticket.objects.filter(pk=ticket.pk).update(assignee=[*agents, None][i % 3])
        stats_ticket_refresh(ticket_id=ticket.pk)


def test_the_agent_rollup_equals_the_detail_rows_summed(world, agent, admin):
    _assign_agents(world, [agent, admin])
    assert _agent_sums(DailyAgentStats) == _agent_sums(DailyTicketStats)
    assert {row[2] for row in _agent_sums(DailyAgentStats)} == {0, agent.pk, admin.pk}


def test_a_rebuild_gives_the_agent_rollup_of_the_event_stream(world, agent, admin):
    _assign_agents(world, [agent, admin])
    before = _agent_sums(DailyAgentStats)
    DailyAgentStats.objects.all().delete()
    stats_rebuild()
    assert _agent_sums(DailyAgentStats) == before


def test_agent_figures_equal_a_direct_count_on_random_filters(world, agent, admin):
    _assign_agents(world, [agent, admin])
    rnd = world["rnd"]
    priorities = list(Priority.objects.values_list("pk", flat=True))
    for _ in range(30):
        start = DAY0.date() + dt.timedelta(days=rnd.randrange(0, 14))
        f = StatsFilter(
            start=start,
            end=start + dt.timedelta(days=rnd.randrange(0, 10)),
            team=rnd.choice([None, *(t.pk for t in world["teams"])]),
            agent=rnd.choice([None, agent.pk, admin.pk]),
            priority=rnd.choice([None, None, *priorities]),
            channel=rnd.choice([None, None, "email"]),
        )
        assert stats_totals(f=f) == stats_direct_totals(f=f), f
        per_agent = stats_breakdown(f=f, by="agent")
        for row in per_agent:
            key = row.pop("key")
            if key:  # 0 is "nobody", which the ticket filter cannot name
                assert row == stats_direct_totals(f=StatsFilter(**{**f.__dict__, "agent": key}))
        assert sum(r["created"] for r in per_agent) == stats_totals(f=f)["created"]


def test_the_agent_breakdown_reads_the_agent_rollup_while_the_filters_allow(db):
    year = StatsFilter(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    team = StatsFilter(start=year.start, end=year.end, team=1)
    assert stats_table(year, "agent") is DailyAgentStats
    assert stats_table(team, "agent") is DailyAgentStats
    assert stats_table(StatsFilter(start=year.start, end=year.end, agent=3)) is DailyAgentStats
    assert stats_table(year, "team") is DailyTeamStats
    for narrower in ({"priority": 2}, {"channel": "email"}, {"type": 1}, {"company": 4}):
        assert stats_table(StatsFilter(**{**team.__dict__, **narrower}), "agent") is (
            DailyTicketStats
        )
    with CaptureQueriesContext(connection) as queries:
        stats_breakdown(f=team, by="agent")
    assert (
        [q["sql"] for q in queries if "analytics_daily" in q["sql"]]
        == [q["sql"] for q in queries if "analytics_dailyagentstats" in q["sql"]]
        != []
    )
