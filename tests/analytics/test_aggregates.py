"""The daily aggregates: kept current by the event reaction, rebuildable, and equal to a direct
count over the tickets on random filters."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from deskline.analytics.models import DailyTicketStats, TicketFact
from deskline.analytics.selectors import (
    StatsFilter,
    stats_breakdown,
    stats_direct_totals,
    stats_series,
    stats_totals,
)
from deskline.analytics.services import stats_rebuild, stats_ticket_refresh
from deskline.tickets.models import Priority, Ticket, TicketType
from deskline.tickets.services import ticket_change_status
from tests.factories import CompanyCategoryFactory, CompanyFactory, TeamFactory

DAY0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


@pytest.fixture
def world(admin, make_ticket, dispatch):
    """30 tickets over three teams, companies, priorities and channels; timestamps spread over
    two weeks (set on the rows: the report logic, not the SLA engine, is under test)."""
    rnd = random.Random(18)
    teams = [TeamFactory() for _ in range(3)]
    category = CompanyCategoryFactory()
    companies = [CompanyFactory(category=category), CompanyFactory(), CompanyFactory()]
    priorities = list(Priority.objects.all())
    channels = ["api", "email", "portal"]
    for i in range(30):
        ticket = make_ticket(
            title=f"Ticket {i}",
            team_id=rnd.choice(teams).pk,
            company_id=rnd.choice(companies).pk,
            priority_id=rnd.choice(priorities).pk,
            channel=rnd.choice(channels),
        )
        if i % 3:
            ticket_change_status(actor=admin, number=ticket.number, status_code="resolved")
    dispatch()
    for ticket in Ticket.objects.all():
        created = DAY0 + dt.timedelta(hours=rnd.randrange(0, 14 * 24))
        fields = {"created_at": created, "reacted_at": None, "resolved_at": None}
        if rnd.random() < 0.7:
            fields["reacted_at"] = created + dt.timedelta(minutes=rnd.randrange(1, 3000))
        fields["reaction_breached"] = rnd.random() < 0.3
        fields["reaction_due"] = created + dt.timedelta(hours=4)
        if ticket.phase == "resolved":
            fields["resolved_at"] = created + dt.timedelta(minutes=rnd.randrange(10, 9000))
            fields["resolution_breached"] = rnd.random() < 0.3
            fields["rating"] = rnd.choice([None, 1, 2, 3, 4, 5])
        Ticket.objects.filter(pk=ticket.pk).update(**fields)
        stats_ticket_refresh(ticket_id=ticket.pk)
    return {"teams": teams, "companies": companies, "category": category, "rnd": rnd}


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

    before = snapshot()
    DailyTicketStats.objects.all().delete()
    assert stats_rebuild() == 30
    assert snapshot() == before


def test_the_rebuild_command_reports_the_tickets(world, capsys):
    from deskline.cli import _pass_through

    assert _pass_through(["analytics", "rebuild"]) == ["analytics_rebuild"]
    from django.core.management import call_command

    call_command("analytics_rebuild")
    assert "from 30 tickets" in capsys.readouterr().out
