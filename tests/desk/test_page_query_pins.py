"""The statements the desk's busiest pages run, pinned by table (issue 22): a new per-page or
per-row lookup shows here as a changed list."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import Team, User
from deskline.tickets.models import Ticket
from deskline.tickets.services import comment_add
from tests.queries import statement_targets

pytestmark = pytest.mark.django_db


def _targets(client: Client, path: str) -> list[str]:
    client.get(path)  # loads the reference cache and counts the views
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    # The reference cache's token: re-read at each lookup inside a test's transaction (which
    # changed reference data), once a second per process in production.
    return [t for t in statement_targets(ctx) if t != "SELECT core_referencegeneration"]


def test_the_list_page_with_its_counts_cached(
    agent_client: Client, tickets: Any, agent: User, team: Team
) -> None:
    tickets(3, team_id=team.pk, assignee_id=agent.pk)
    assert _targets(agent_client, "/?view=open") == [
        "SELECT django_session",
        "SELECT accounts_user",  # the viewer
        "SELECT accounts_team",  # the viewer's teams (visibility)
        "SELECT tickets_ticket",  # the page's rows with their joined rows, no COUNT
        "SELECT triage_messagetone",  # the rows' tone and duplicate badges (triage.marks)
        "SELECT desk_savedfilter",
        "SELECT accounts_user",  # the agents a filter offers
    ]


def test_the_angry_clients_view_runs_the_list_pages_statements(
    agent_client: Client, tickets: Any, agent: User, team: Team
) -> None:
    from deskline.triage.models import MessageTone

    for ticket in tickets(3, team_id=team.pk, assignee_id=agent.pk):
        MessageTone.objects.create(ticket=ticket, tone="negative", confidence=0.9, angry=0.9,
                                   urgent=0.0, created_at=ticket.created_at)  # fmt: skip
    assert _targets(agent_client, "/?view=angry") == [
        "SELECT django_session",
        "SELECT accounts_user",
        "SELECT accounts_team",
        "SELECT tickets_ticket",  # the rows: the latest tone is a subquery of this statement
        "SELECT triage_messagetone",
        "SELECT desk_savedfilter",
        "SELECT accounts_user",
    ]


def test_the_ticket_page(admin_client_desk: Client, make_ticket: Any, admin: User) -> None:
    ticket: Ticket = make_ticket()
    comment_add(actor=admin, number=ticket.number, body="one")
    assert _targets(admin_client_desk, f"/tickets/{ticket.number}/") == [
        "SELECT django_session",
        "SELECT accounts_user",  # the viewer
        "SELECT tickets_ticket",  # the ticket with its joined rows
        "SELECT accounts_user",  # its observers
        "SELECT accounts_user",  # the agents the assignment offers
        "SELECT tickets_comment",
        "SELECT tickets_attachment",  # the comments' files
        "SELECT tickets_ticketevent",
        "SELECT tickets_ticketlink",
        "SELECT tickets_ticket",  # its children
        "SELECT tickets_attachment",  # the ticket's own files
        "SELECT knowledge_replytemplate",
        "SELECT fieldwork_ticketchecklist",
        "SELECT fieldwork_timeentry",  # the ticket's time
        "SELECT fieldwork_timeentry",  # the viewer's running stopwatch
        "SELECT fieldwork_visit",
        "SELECT fieldwork_engineerprofile",
    ]
