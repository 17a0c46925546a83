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
from deskline.tickets.saved_views import view_counts
from deskline.tickets.search import filter_by_text

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
    agent_client.get("/?view=all")  # the first page loads the cached reference rows
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


def test_all_view_counts_run_as_one_counting_query(
    agent: User, tickets: Any, team: Team, django_assert_num_queries: Any
) -> None:
    tickets(3, team_id=team.pk, assignee_id=agent.pk)
    tickets(2)
    # The agent's team ids (read by the visibility filter and by the "teams" view), then all
    # nine counts (the angry clients' included) in one query.
    with django_assert_num_queries(3):
        counts = {c.view: c.count for c in view_counts(user=agent)}
    assert counts["mine"] == 3
    assert counts["unassigned"] == 2


# The filters the REST API also offers: each narrows the list page.


@pytest.fixture
def registry(company: Any) -> dict[str, Any]:
    """A contact, a site and a piece of equipment of `company`."""
    from tests.factories import ContactFactory, EquipmentFactory, SiteFactory

    site = SiteFactory(company=company, name="Shop on Tverskaya")
    return {
        "company": company,
        "contact": ContactFactory(company=company, name="Ann"),
        "site": site,
        "equipment": EquipmentFactory(site=site, serial_number="KKT-0451"),
    }


def _with(registry: dict[str, Any]) -> dict[str, int]:
    return {f"{kind}_id": row.pk for kind, row in registry.items()}


def test_filter_by_phase(
    agent_client: Client, make_ticket: Any, admin: User, status_of: Callable[[str], Status]
) -> None:
    from deskline.tickets.services import ticket_change_status

    waiting, new = make_ticket(), make_ticket()
    ticket_change_status(
        actor=admin, number=waiting.number, status_id=status_of("waiting_client").pk, comment="?"
    )
    assert _numbers(agent_client.get("/?view=all&phase=waiting")) == {waiting.number}
    assert _numbers(agent_client.get("/?view=all&phase=new&phase=waiting")) == {
        waiting.number,
        new.number,
    }


def test_filter_by_type(agent_client: Client, make_ticket: Any) -> None:
    from deskline.tickets.models import TicketType

    visit = TicketType.objects.create(code="visit", name="Site visit")
    on_site, other = make_ticket(type_id=visit.pk), make_ticket()
    response = agent_client.get(f"/?type={visit.pk}")
    assert _numbers(response) == {on_site.number}
    assert other.number not in _numbers(response)


def test_filter_by_category_lists_categories_with_their_parents_name(
    agent_client: Client, make_ticket: Any
) -> None:
    from deskline.tickets.models import Category

    hardware = Category.objects.create(name="Hardware")
    printers = Category.objects.create(name="Printers", parent=hardware)
    jam, other = make_ticket(category_id=printers.pk), make_ticket()
    response = agent_client.get(f"/?category={printers.pk}")
    assert _numbers(response) == {jam.number} and other.number not in _numbers(response)
    assert f'<option value="{printers.pk}" selected>Hardware › Printers</option>' in (
        response.content.decode()
    )


@pytest.mark.parametrize("kind", ["contact", "site", "equipment"])
def test_filter_by_contact_site_and_equipment(
    agent_client: Client, make_ticket: Any, registry: dict[str, Any], kind: str
) -> None:
    on_it = make_ticket(**_with(registry))
    other = make_ticket(company_id=registry["company"].pk)
    assert _numbers(agent_client.get(f"/?{kind}={registry[kind].pk}")) == {on_it.number}
    assert other.number in _numbers(agent_client.get("/"))


def _created(ticket: Ticket, when: dt.datetime) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(created_at=when, updated_at=when)


def test_filter_by_created_date_range_counts_whole_days_in_the_viewers_zone(
    agent_client: Client, make_ticket: Any, agent: User
) -> None:
    agent.time_zone = "Europe/Moscow"  # UTC+3
    agent.save(update_fields=["time_zone"])
    late_on_1st, on_2nd, on_3rd = make_ticket(), make_ticket(), make_ticket()
    # 23:30 in Moscow on 1 March is 20:30 UTC; 00:30 on 3 March is 21:30 UTC on the 2nd.
    _created(late_on_1st, dt.datetime(2026, 3, 1, 20, 30, tzinfo=dt.UTC))
    _created(on_2nd, dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC))
    _created(on_3rd, dt.datetime(2026, 3, 2, 21, 30, tzinfo=dt.UTC))
    one_day = "/?view=all&created_from=2026-03-02&created_to=2026-03-02"
    assert _numbers(agent_client.get(one_day)) == {on_2nd.number}
    both = "/?view=all&created_from=2026-03-01&created_to=2026-03-02"
    assert _numbers(agent_client.get(both)) == {late_on_1st.number, on_2nd.number}


def test_filter_by_updated_date_range(agent_client: Client, make_ticket: Any) -> None:
    old, recent = make_ticket(), make_ticket()
    Ticket.objects.filter(pk=old.pk).update(updated_at=dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC))
    assert _numbers(agent_client.get("/?view=all&updated_to=2026-01-05")) == {old.number}
    today = timezone.localdate().isoformat()
    assert _numbers(agent_client.get(f"/?view=all&updated_from={today}")) == {recent.number}


def test_unassigned_only_checkbox(
    agent_client: Client, make_ticket: Any, agent: User, team: Team
) -> None:
    make_ticket(team_id=team.pk, assignee_id=agent.pk)
    loose = make_ticket(team_id=team.pk)
    response = agent_client.get("/?view=teams&unassigned=1")
    assert _numbers(response) == {loose.number}
    assert 'name="unassigned" value="1" checked' in response.content.decode()


def test_filter_by_sla_state(agent_client: Client, make_ticket: Any) -> None:
    late, fine = make_ticket(), make_ticket()
    now = timezone.now()
    Ticket.objects.filter(pk=late.pk).update(resolution_due=now - dt.timedelta(hours=1))
    Ticket.objects.filter(pk=fine.pk).update(resolution_due=now + dt.timedelta(days=1))
    assert _numbers(agent_client.get("/?view=mine&sla_state=overdue")) == set()
    assert _numbers(agent_client.get("/?view=all&sla_state=overdue")) == {late.number}


def test_sort_by_priority_in_both_directions(agent_client: Client, make_ticket: Any) -> None:
    high, low = Priority.objects.get(code="high"), Priority.objects.get(code="low")
    urgent, calm = make_ticket(priority_id=high.pk), make_ticket(priority_id=low.pk)
    up = agent_client.get("/?sort=priority").content.decode()
    down = agent_client.get("/?sort=-priority").content.decode()
    assert up.index(f'id="t-{calm.number}"') < up.index(f'id="t-{urgent.number}"')
    assert down.index(f'id="t-{urgent.number}"') < down.index(f'id="t-{calm.number}"')


def test_sort_by_number_ascending(agent_client: Client, tickets: Any) -> None:
    first, second = tickets(2)
    Ticket.objects.filter(pk=first.pk).update(updated_at=timezone.now())
    body = agent_client.get("/?sort=number").content.decode()
    assert body.index(f'id="t-{first.number}"') < body.index(f'id="t-{second.number}"')


def test_more_filters_are_folded_until_one_of_them_is_set(agent_client: Client) -> None:
    assert '<details class="filters-more">' in agent_client.get("/").content.decode()
    body = agent_client.get("/?phase=open").content.decode()
    assert '<details class="filters-more" open>' in body


def test_list_page_with_every_filter_set_runs_a_constant_number_of_queries(
    agent_client: Client, make_ticket: Any, registry: dict[str, Any], team: Team
) -> None:
    from deskline.tickets.models import Category, TicketType

    kind = TicketType.objects.create(code="visit", name="Site visit")
    category = Category.objects.create(name="Printers")
    high = Priority.objects.get(code="high")
    fields = _with(registry) | {
        "type_id": kind.pk, "category_id": category.pk, "priority_id": high.pk,
        "team_id": team.pk, "title": "Printer jams",
    }  # fmt: skip
    today = timezone.localdate().isoformat()
    query = (
        f"/?view=all&q=printer&status={Status.objects.get(code='new').pk}&priority={high.pk}"
        f"&team={team.pk}&type={kind.pk}&category={category.pk}&phase=new&unassigned=1"
        f"&created_from={today}&created_to={today}&updated_from={today}&updated_to={today}"
        f"&sla_state=overdue&sort=priority"
        + "".join(f"&{k}={row.pk}" for k, row in registry.items())
    )

    def make(n: int) -> None:
        for _ in range(n):
            ticket = make_ticket(**fields)
            overdue = timezone.now() - dt.timedelta(hours=1)
            Ticket.objects.filter(pk=ticket.pk).update(resolution_due=overdue)

    make(2)
    agent_client.get(query)  # the first page loads the cached reference rows
    with CaptureQueriesContext(connection) as few:
        assert len(_numbers(agent_client.get(query))) == 2
    make(20)
    with CaptureQueriesContext(connection) as many:
        response = agent_client.get(query)
    assert len(_numbers(response)) == 22
    assert len(many) == len(few)


def test_a_nul_character_in_the_address_is_a_400_not_a_database_error(agent_client, make_ticket):
    make_ticket(title="Printer jams")

    response = agent_client.get("/", {"q": "printer\x00"})

    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_text_search_ignores_nul_characters_whoever_calls_it(make_ticket):
    ticket = make_ticket(title="Printer jams")

    assert list(filter_by_text(Ticket.objects.all(), "printer\x00")) == [ticket]
