"""Fixtures of the analytics tests: a small world of tickets spread over two weeks."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from deskline.analytics.services import stats_ticket_refresh
from deskline.tickets.models import Priority, Ticket
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
