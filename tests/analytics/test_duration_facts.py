"""The per-ticket duration rows behind the time distributions: kept by the event reaction,
rebuilt like the daily rows, and giving exactly the figures of a direct computation over the
tickets (the SLA clock run over every span) on random filters, on both clocks."""

from __future__ import annotations

import datetime as dt

from deskline.analytics.models import TicketDuration
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
