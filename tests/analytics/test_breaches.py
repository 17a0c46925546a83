"""The breaches report: each breached deadline of the period with the time the ticket spent in
each status and how many times it changed hands."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from deskline.analytics.breaches import StatusStep, describe, handovers, status_seconds
from deskline.tickets.models import Ticket
from deskline.tickets.services import ticket_assign, ticket_change_status
from tests.factories import TeamFactory, UserFactory

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def test_time_in_each_status_sums_to_the_ticket_life() -> None:
    steps = [StatusStep(T0 + dt.timedelta(hours=1), "new", "in_progress"),
             StatusStep(T0 + dt.timedelta(hours=3), "in_progress", "waiting_client"),
             StatusStep(T0 + dt.timedelta(hours=23), "waiting_client", "in_progress")]  # fmt: skip
    spent = status_seconds(created_at=T0, first_status="new", steps=steps,
                           end=T0 + dt.timedelta(hours=24))  # fmt: skip
    assert spent == {"new": 3600.0, "in_progress": 3 * 3600.0, "waiting_client": 20 * 3600.0}
    assert describe(spent, {"waiting_client": "Waiting"}).startswith("Waiting 20.0 h")


def test_a_first_assignment_is_not_a_handover() -> None:
    assert handovers([(None, 5), (5, 6), (6, 6), (0, 3), (3, 9)]) == 2


@pytest.mark.django_db
def test_the_report_lists_a_breached_ticket_with_its_causes(admin, make_ticket, api_for) -> None:
    one, two = UserFactory(username="one"), UserFactory(username="two")
    team = TeamFactory(members=[one, two])
    ticket = make_ticket(title="Slow one", team_id=team.pk)
    ticket_assign(actor=admin, number=ticket.number, team_id=team.pk, assignee_id=one.pk)
    ticket_assign(actor=admin, number=ticket.number, team_id=team.pk, assignee_id=two.pk)
    ticket_change_status(actor=admin, number=ticket.number, status_code="in_progress")
    due = timezone.now() - dt.timedelta(hours=2)
    Ticket.objects.filter(pk=ticket.pk).update(resolution_due=due, resolution_breached=True)
    make_ticket(title="On time")
    body = api_for(admin).get("reports/breaches").json()
    (row,) = body["rows"]
    assert row["number"] == ticket.number and row["breached"] == "resolution"
    assert row["handovers"] == 1 and row["late_hours"] >= 2.0
    assert "h" in row["time_in_statuses"]


@pytest.mark.django_db
def test_the_breaches_page_has_no_chart(admin_client_desk_reports) -> None:
    body = admin_client_desk_reports.get("/reports/breaches/").content.decode()
    assert "<table" in body and "chart.svg" not in body


@pytest.fixture
def admin_client_desk_reports(admin, client):
    client.force_login(admin)
    return client
