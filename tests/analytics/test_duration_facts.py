"""The per-ticket duration rows behind the time distributions: kept by the event reaction,
rebuilt like the daily rows, and giving exactly the figures of a direct computation over the
tickets (the SLA clock run over every span) on random filters, on both clocks."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.analytics.durations import DURATION_MEASURES, duration_bucket
from deskline.analytics.models import DailyDurationBuckets, TicketDuration
from deskline.analytics.selectors import StatsFilter
from deskline.analytics.services import stats_rebuild, stats_ticket_refresh
from deskline.analytics.time_measures import time_distributions, time_distributions_direct
from deskline.sla.models import Calendar, TicketSla
from deskline.tickets.models import Priority, Ticket, TicketType
from deskline.tickets.services import comment_add, ticket_assign
from tests.analytics.conftest import DAY0


def _on_office_hours(world) -> None:
    """Every other ticket on the default calendar (office hours, holidays), so that business
    and wall time differ; the rest have no calendar (around the clock)."""
    calendar = Calendar.objects.get(is_default=True)
    for i, ticket in enumerate(Ticket.objects.order_by("pk")):
        TicketSla.objects.update_or_create(
            ticket=ticket, defaults={"calendar": calendar if i % 2 else None}
        )
        stats_ticket_refresh(ticket_id=ticket.pk)


def test_stored_durations_equal_a_direct_computation_on_random_filters(world):
    _on_office_hours(world)
    rnd = world["rnd"]
    types = list(TicketType.objects.values_list("pk", flat=True))
    priorities = list(Priority.objects.values_list("pk", flat=True))
    compared = 0
    for _ in range(30):
        start = DAY0.date() + dt.timedelta(days=rnd.randrange(0, 10))
        f = StatsFilter(
            start=start,
            end=start + dt.timedelta(days=rnd.randrange(2, 16)),
            team=rnd.choice([None, None, *(t.pk for t in world["teams"])]),
            company=rnd.choice([None, None, None, *(c.pk for c in world["companies"])]),
            company_category=rnd.choice([None, None, None, world["category"].pk]),
            type=rnd.choice([None, None, None, *types]),
            priority=rnd.choice([None, None, *priorities]),
            channel=rnd.choice([None, None, "api", "email", "portal"]),
        )
        for clock in ("business", "wall"):
            fast = time_distributions(f=f, clock=clock)
            assert fast == time_distributions_direct(f=f, clock=clock), (f, clock)
            compared += sum(m.figures.count for m in fast[:2])
    assert compared > 60  # the filters left tickets to compare, not only empty sets


def test_business_and_wall_minutes_differ_on_office_hours(world):
    _on_office_hours(world)
    f = StatsFilter(start=DAY0.date(), end=DAY0.date() + dt.timedelta(days=30))
    business = time_distributions(f=f, clock="business")[1].figures
    wall = time_distributions(f=f, clock="wall")[1].figures
    assert business.count == wall.count == 20
    assert business.median is not None and wall.median is not None
    assert business.median < wall.median


def test_a_rebuild_gives_the_same_duration_rows_as_the_event_stream(world):
    _on_office_hours(world)
    before = sorted(TicketDuration.objects.values_list())
    TicketDuration.objects.all().delete()
    stats_rebuild()
    assert sorted(TicketDuration.objects.values_list()) == before


def test_the_reaction_counts_the_first_response_when_an_agent_answers(make_ticket, admin, dispatch):
    ticket = make_ticket(title="Mail is down")
    dispatch()
    assert TicketDuration.objects.get(ticket_id=ticket.pk).reacted_at is None
    comment_add(actor=admin, number=ticket.number, body="Looking into it")
    dispatch()
    row = TicketDuration.objects.get(ticket_id=ticket.pk)
    assert row.reacted_at is not None and row.first_response_wall == 0


def test_a_reassignment_moves_the_row_to_the_new_agent(make_ticket, admin, agent, dispatch):
    ticket = make_ticket(title="Printer jams")
    dispatch()
    ticket_assign(actor=admin, number=ticket.number, team_id=None, assignee_id=agent.pk)
    dispatch()
    assert TicketDuration.objects.get(ticket_id=ticket.pk).agent_id == agent.pk


def _bucketed_rows() -> Counter:
    """(measure, day, bucket) -> tickets, counted from the duration rows themselves."""
    out: Counter = Counter()
    for row in TicketDuration.objects.values():
        for column, end in DURATION_MEASURES.items():
            if row[column] is not None:
                out[(column, row[end].astimezone(dt.UTC).date(), duration_bucket(row[column]))] += 1
    return out


def _buckets() -> Counter:
    rows = DailyDurationBuckets.objects.values_list("measure", "day", "bucket", "tickets")
    return Counter({(m, d, b): n for m, d, b, n in rows if n})


def test_the_minute_buckets_equal_the_duration_rows_bucketed(world):
    _on_office_hours(world)  # business minutes change: the reaction moves the counts
    assert _buckets() == _bucketed_rows()
    assert sum(_buckets().values()) > 40


def test_a_rebuild_gives_the_minute_buckets_of_the_event_stream(world):
    _on_office_hours(world)
    before = _buckets()
    DailyDurationBuckets.objects.all().delete()
    stats_rebuild()
    assert _buckets() == before


def test_a_ticket_answered_later_or_deleted_moves_its_bucket_counts(world):
    moved, deleted = Ticket.objects.exclude(reacted_at=None).order_by("pk")[:2]
    Ticket.objects.filter(pk=moved.pk).update(reacted_at=moved.reacted_at + dt.timedelta(days=3))
    stats_ticket_refresh(ticket_id=moved.pk)
    Ticket.objects.filter(pk=deleted.pk).delete()
    stats_ticket_refresh(ticket_id=deleted.pk)
    assert not TicketDuration.objects.filter(ticket_id=deleted.pk).exists()
    assert _buckets() == _bucketed_rows()


def test_unfiltered_distributions_from_the_buckets_equal_a_direct_computation(world):
    _on_office_hours(world)
    rnd = world["rnd"]
    for _ in range(12):
        start = DAY0.date() + dt.timedelta(days=rnd.randrange(0, 12))
        f = StatsFilter(start=start, end=start + dt.timedelta(days=rnd.randrange(0, 16)))
        for clock in ("business", "wall"):
            assert time_distributions(f=f, clock=clock) == time_distributions_direct(
                f=f, clock=clock
            ), (f, clock)


def test_unfiltered_distributions_read_the_buckets_and_the_minutes_of_few_buckets(world):
    f = StatsFilter(start=DAY0.date(), end=DAY0.date() + dt.timedelta(days=30))
    with CaptureQueriesContext(connection) as queries:
        time_distributions(f=f, clock="wall")
    durations = [q["sql"] for q in queries if "analytics_ticketduration" in q["sql"]]
    assert sum("analytics_dailydurationbuckets" in q["sql"] for q in queries) == 2
    # Each read of the stored minutes is bounded to one bucket's range of minutes.
    assert durations and all('"first_response_wall" >=' in sql or '"resolution_wall" >=' in sql
                             for sql in durations)  # fmt: skip
    assert len(durations) <= 8


def test_filtered_distributions_read_the_duration_rows(world):
    team = world["teams"][0].pk
    f = StatsFilter(start=DAY0.date(), end=DAY0.date() + dt.timedelta(days=30), team=team)
    with CaptureQueriesContext(connection) as queries:
        time_distributions(f=f, clock="wall")
    assert not any("analytics_dailydurationbuckets" in q["sql"] for q in queries)
