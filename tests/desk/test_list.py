"""The desk ticket list: saved views, filters, paging, polling fragment, bulk actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deskline.accounts.models import Team, User
from deskline.desk.views import lists
from deskline.tickets.models import Priority, Status, Ticket
from deskline.tickets.views_selectors import view_counts

pytestmark = pytest.mark.django_db


def _numbers(response: Any) -> set[int]:
    body = response.content.decode()
    return {int(n) for n in __import__("re").findall(r'id="t-(\d+)"', body)}


def test_all_open_view_lists_open_tickets_with_status_and_priority(
    agent_client: Client, make_ticket: Any
) -> None:
    ticket = make_ticket(title="Printer jams")
    response = agent_client.get("/?view=open")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Printer jams" in body and f"#{ticket.number}" in body
    assert "New" in body and "Normal" in body


def test_mine_view_shows_only_tickets_assigned_to_me(
    agent_client: Client, make_ticket: Any, agent: User, team: Team
) -> None:
    mine = make_ticket(team_id=team.pk, assignee_id=agent.pk)
    other = make_ticket(team_id=team.pk)
    numbers = _numbers(agent_client.get("/?view=mine"))
    assert mine.number in numbers and other.number not in numbers


def test_unassigned_and_teams_views(
    agent_client: Client, make_ticket: Any, agent: User, team: Team
) -> None:
    assigned = make_ticket(team_id=team.pk, assignee_id=agent.pk)
    loose = make_ticket(team_id=team.pk)
    assert _numbers(agent_client.get("/?view=unassigned")) == {loose.number}
    assert _numbers(agent_client.get("/?view=teams")) == {assigned.number, loose.number}


def test_overdue_view_shows_open_tickets_past_their_resolution_deadline(
    agent_client: Client, make_ticket: Any
) -> None:
    late, fine = make_ticket(title="late"), make_ticket(title="fine")
    now = timezone.now()
    Ticket.objects.filter(pk=late.pk).update(resolution_due=now - dt.timedelta(hours=1))
    Ticket.objects.filter(pk=fine.pk).update(resolution_due=now + dt.timedelta(days=1))
    response = agent_client.get("/?view=overdue")
    assert _numbers(response) == {late.number}
    assert "sla-breached" in response.content.decode()


def test_waiting_view_shows_tickets_waiting_for_the_client(
    agent_client: Client, make_ticket: Any, admin: User, status_of: Callable[[str], Status]
) -> None:
    from deskline.tickets.services import ticket_change_status

    waiting, other = make_ticket(), make_ticket()
    ticket_change_status(
        actor=admin, number=waiting.number, status_id=status_of("waiting_client").pk, comment="?"
    )
    assert _numbers(agent_client.get("/?view=waiting")) == {waiting.number}
    assert other.number in _numbers(agent_client.get("/?view=open"))


def test_tabs_show_counts_per_view(agent_client: Client, tickets: Any) -> None:
    tickets(3)
    body = agent_client.get("/").content.decode()
    assert '<span class="count">3</span>' in body


def test_filters_by_status_priority_and_text(
    agent_client: Client, make_ticket: Any, admin: User
) -> None:
    high = Priority.objects.get(code="high")
    a = make_ticket(title="Server room is hot", priority_id=high.pk)
    b = make_ticket(title="Mouse broken")
    assert _numbers(agent_client.get(f"/?priority={high.pk}")) == {a.number}
    assert _numbers(agent_client.get("/?q=mouse")) == {b.number}
    new = Status.objects.get(code="new")
    assert _numbers(agent_client.get(f"/?status={new.pk}")) == {a.number, b.number}


def test_filter_by_company_and_assignee(
    agent_client: Client, make_ticket: Any, company: Any, agent: User, team: Team
) -> None:
    a = make_ticket(company_id=company.pk)
    b = make_ticket(team_id=team.pk, assignee_id=agent.pk)
    assert _numbers(agent_client.get(f"/?company={company.pk}")) == {a.number}
    assert _numbers(agent_client.get(f"/?view=all&assignee={agent.pk}")) == {b.number}


def test_sort_by_oldest_first(agent_client: Client, tickets: Any) -> None:
    first, second = tickets(2)
    body = agent_client.get("/?sort=created").content.decode()
    assert body.index(f'id="t-{first.number}"') < body.index(f'id="t-{second.number}"')


def test_keyset_pages_follow_the_next_link(
    agent_client: Client, tickets: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    made = tickets(5)
    first = agent_client.get("/?sort=-number")
    assert _numbers(first) == {made[4].number, made[3].number}
    cursor = first.context["page"].next_cursor
    more = agent_client.get(f"/?sort=-number&cursor={cursor}&fragment=more", HTTP_HX_REQUEST="true")
    assert _numbers(more) == {made[2].number, made[1].number}
    assert "<html" not in more.content.decode()
    assert "Load more" in more.content.decode()


def test_bad_cursor_is_reported_not_crashing(agent_client: Client) -> None:
    response = agent_client.get("/?cursor=garbage", follow=True)
    assert response.status_code == 200
    assert "could not be shown" in response.content.decode()


def test_polling_fragment_returns_only_rows(agent_client: Client, tickets: Any) -> None:
    tickets(1)
    response = agent_client.get("/?fragment=rows", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<tr" in body and "<html" not in body


def test_list_polls_every_30_seconds(agent_client: Client) -> None:
    assert 'hx-trigger="every 30s' in agent_client.get("/").content.decode()


def test_list_page_runs_a_constant_number_of_queries(
    agent_client: Client, tickets: Any, agent: User, team: Team
) -> None:
    tickets(5, team_id=team.pk, assignee_id=agent.pk)
    with CaptureQueriesContext(connection) as few:
        agent_client.get("/?view=all")
    tickets(35, team_id=team.pk, assignee_id=agent.pk)
    with CaptureQueriesContext(connection) as many:
        response = agent_client.get("/?view=all")
    assert len(_numbers(response)) == 40
    assert len(many) == len(few)


def test_bulk_assign_assigns_every_selected_ticket(
    agent_client: Client, tickets: Any, agent: User, team: Team
) -> None:
    made = tickets(3)
    response = agent_client.post(
        "/tickets/bulk/",
        {
            "numbers": [t.number for t in made],
            "action": "assign",
            "team": team.pk,
            "assignee": agent.pk,
            "back": "/",
        },
    )
    assert response.status_code == 302
    assert set(Ticket.objects.values_list("assignee_id", flat=True)) == {agent.pk}


def test_bulk_status_reports_each_ticket_that_cannot_move(
    admin_client_desk: Client, tickets: Any, admin: User, status_of: Callable[[str], Status]
) -> None:
    from deskline.tickets.services import ticket_change_status

    a, b = tickets(2)
    ticket_change_status(actor=admin, number=b.number, status_id=status_of("resolved").pk)
    response = admin_client_desk.post(
        "/tickets/bulk/",
        {
            "numbers": [a.number, b.number],
            "action": "status",
            "status": status_of("in_progress").pk,
        },
        follow=True,
    )
    body = response.content.decode()
    assert f"#{b.number}:" in body
    assert "1 ticket(s) updated" in body
    a.refresh_from_db()
    assert a.status.code == "in_progress"


def test_bulk_priority_changes_priority_through_the_service(
    admin_client_desk: Client, tickets: Any
) -> None:
    made = tickets(2)
    high = Priority.objects.get(code="high")
    admin_client_desk.post(
        "/tickets/bulk/",
        {"numbers": [t.number for t in made], "action": "priority", "priority": high.pk},
    )
    assert set(Ticket.objects.values_list("priority_weight", flat=True)) == {high.weight}
    assert all(t.events.filter(kind="updated").exists() for t in Ticket.objects.all())


def test_bulk_without_selection_warns(agent_client: Client) -> None:
    response = agent_client.post("/tickets/bulk/", {"action": "assign"}, follow=True)
    assert "Select at least one ticket" in response.content.decode()


def test_bulk_refuses_an_offsite_back_url(agent_client: Client) -> None:
    response = agent_client.post("/tickets/bulk/", {"back": "//evil.example/"})
    assert response["Location"] == "/"


def test_bulk_merge_merges_each_selected_ticket_into_the_target(
    admin_client_desk: Client, tickets: Any
) -> None:
    a, b, target = tickets(3)
    response = admin_client_desk.post(
        "/tickets/bulk/",
        {"numbers": [a.number, b.number, target.number], "action": "merge", "into": target.number},
        follow=True,
    )
    assert f"#{target.number}:" in response.content.decode()
    assert set(
        Ticket.objects.filter(merged_into__number=target.number).values_list("number", flat=True)
    ) == {a.number, b.number}


def test_all_view_counts_cost_one_query(
    agent: User, tickets: Any, team: Team, django_assert_num_queries: Any
) -> None:
    tickets(3, team_id=team.pk, assignee_id=agent.pk)
    tickets(2)
    # The agent's team ids (read by the visibility filter and by the "teams" view), then all
    # eight counts in one query.
    with django_assert_num_queries(3):
        counts = {c.view: c.count for c in view_counts(user=agent)}
    assert counts["mine"] == 3
    assert counts["unassigned"] == 2
