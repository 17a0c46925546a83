"""The dashboard: sections by role, poor scores to call back for leads, the shift check-in."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import Role, User
from deskline.feedback.models import StressAlert, StressMark
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_agent_sees_the_queue_and_today_but_no_lead_sections(
    agent_client: Client, make_ticket: Any
) -> None:
    make_ticket(title="Unassigned one")
    body = agent_client.get("/dashboard/").content.decode()
    assert 'id="dash-queue"' in body and 'id="dash-today"' in body
    assert 'id="dash-callbacks"' not in body and 'id="dash-trends"' not in body


def test_a_team_lead_sees_the_load_and_the_poor_scores_of_the_team(
    make_ticket: Any, admin: User
) -> None:
    from deskline.feedback.services import survey_answer, survey_invite_create, survey_token

    lead = UserFactory(username="lead", role=Role.AGENT)
    worker = UserFactory(username="worker", role=Role.AGENT, first_name="Wendy")
    team = TeamFactory(name="Line 1", members=[lead, worker], lead=lead)
    ticket = make_ticket(title="Badly fixed", team_id=team.pk, assignee_id=worker.pk)
    invite = survey_invite_create(ticket=ticket)
    survey_answer(token=survey_token(invite=invite), score=2)
    client = Client()
    client.force_login(lead)
    body = client.get("/dashboard/").content.decode()
    callbacks = body.split('id="dash-callbacks"')[1]
    assert f"#{ticket.number}" in callbacks and "2/5" in callbacks
    assert "Wendy" in body.split('id="dash-load"')[1]


def test_heads_of_service_see_the_trend_charts(admin_client_desk: Client) -> None:
    body = admin_client_desk.get("/dashboard/").content.decode()
    assert "/reports/sla/chart.svg?" in body and "/reports/csat/chart.svg?" in body


def test_three_high_marks_alert_only_the_lead(agent: User, agent_client: Client) -> None:
    lead = UserFactory(username="lead", role=Role.AGENT)
    TeamFactory(name="Line 1", members=[agent, lead], lead=lead)
    for _ in range(3):
        agent_client.post("/dashboard/stress/", {"level": "high"})
    assert StressMark.objects.filter(user=agent).count() == 3
    assert list(StressAlert.objects.values_list("lead__username", flat=True)) == ["lead"]
    lead_client = Client()
    lead_client.force_login(lead)
    assert 'id="dash-stress"' in lead_client.get("/dashboard/").content.decode()
    assert 'id="dash-stress"' not in agent_client.get("/dashboard/").content.decode()


def test_a_bad_stress_level_is_refused(agent_client: Client) -> None:
    response = agent_client.post("/dashboard/stress/", {"level": "furious"}, follow=True)
    assert "unknown stress level" in response.content.decode()


def test_dashboard_queries_do_not_grow_with_tickets(
    admin_client_desk: Client, make_ticket: Any
) -> None:
    make_ticket(title="one")
    admin_client_desk.get("/dashboard/")
    with CaptureQueriesContext(connection) as few:
        admin_client_desk.get("/dashboard/")
    for i in range(10):
        make_ticket(title=f"more {i}")
    with CaptureQueriesContext(connection) as many:
        admin_client_desk.get("/dashboard/")
    assert len(many) == len(few)
