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
        "SELECT desk_savedfilter",  # the agents a filter offers come from the staff cache
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
    ]


def test_the_ticket_page(admin_client_desk: Client, make_ticket: Any, admin: User) -> None:
    ticket: Ticket = make_ticket()
    comment_add(actor=admin, number=ticket.number, body="one")
    assert _targets(admin_client_desk, f"/tickets/{ticket.number}/") == TICKET_PAGE


#: The ticket page's statements (issue 22: 27 on a demo ticket before, 12 now, whatever the
#: comments, files, events, links, cards and visits): the pickers' agents and engineers come
#: from the reference cache, the observers' ids with the ticket, the contract menu when the
#: edit form is unfolded.
TICKET_PAGE = [
    "SELECT django_session",
    "SELECT accounts_user",  # the viewer
    # The ticket with its joined rows and its observers' ids (that subquery comes first).
    "SELECT tickets_ticket_observers",
    "SELECT tickets_ticket",  # its links, parent, children and its cards' latest (UNION ALL)
    "SELECT tickets_comment",
    "SELECT tickets_attachment",  # the comments' files and the ticket's own
    "SELECT tickets_ticketevent",
    "SELECT knowledge_replytemplate",
    "SELECT fieldwork_ticketchecklist",
    "SELECT fieldwork_timeentry",  # the ticket's time and the viewer's running stopwatch
    "SELECT fieldwork_visit",
]


def test_the_ticket_page_of_a_busy_ticket_runs_the_same_statements(
    admin_client_desk: Client, make_ticket: Any, admin: User, agent: User, company: Any
) -> None:
    """Observers, files, links, a parent, children and cards cost no statement of their own;
    the company's flags cost one (billing's overdue invoices)."""
    from deskline.tickets.services import ticket_link, ticket_update

    parent = make_ticket(company_id=company.pk)
    ticket: Ticket = make_ticket(company_id=company.pk)
    for _ in range(3):
        make_ticket(company_id=company.pk, parent_number=ticket.number)
        other = make_ticket(company_id=company.pk)
        ticket_link(actor=admin, number=ticket.number, other_number=other.number, kind="related")
        comment_add(actor=admin, number=ticket.number, body="more")
    ticket_update(actor=admin, number=ticket.number, changes={"observer_ids": [agent.pk],
                  "parent_number": parent.number})  # fmt: skip
    expected = [*TICKET_PAGE]
    expected.insert(expected.index("SELECT tickets_ticketevent") + 1, "SELECT billing_invoice")
    page = admin_client_desk.get(f"/tickets/{ticket.number}/").content.decode()
    assert f"#{parent.number}" in page and page.count("Child") >= 3
    assert _targets(admin_client_desk, f"/tickets/{ticket.number}/") == expected


def test_an_observer_no_longer_offered_is_read_by_id(
    admin_client_desk: Client, make_ticket: Any, admin: User, agent: User
) -> None:
    from deskline.tickets.services import ticket_update

    ticket: Ticket = make_ticket()
    ticket_update(actor=admin, number=ticket.number, changes={"observer_ids": [agent.pk]})
    User.objects.filter(pk=agent.pk).update(is_active=False, first_name="Gone")
    targets = _targets(admin_client_desk, f"/tickets/{ticket.number}/")
    assert targets.count("SELECT accounts_user") == 2  # the viewer, then the former agent
