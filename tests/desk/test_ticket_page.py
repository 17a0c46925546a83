"""The desk ticket page: fields, timeline, inline edit with conflicts, reply, status, assign."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import Team, User
from deskline.tickets.models import Priority, Status, Ticket
from deskline.tickets.services import comment_add, ticket_update
from tests.factories import EquipmentFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(make_ticket: Any, company: Any, contact: Any) -> Ticket:
    ticket: Ticket = make_ticket(
        title="Cash register offline",
        description="It shows <b>error 42</b><script>alert(1)</script>",
        company_id=company.pk,
        contact_id=contact.pk,
    )
    return ticket


def test_page_shows_fields_and_sanitised_description(agent_client: Client, ticket: Ticket) -> None:
    body = agent_client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Cash register offline" in body
    assert "<b>error 42</b>" in body or "error 42" in body
    assert "<script>alert(1)" not in body
    assert "Acme" in body and "Ann Client" in body


def test_unknown_ticket_is_404(agent_client: Client, db: None) -> None:
    assert agent_client.get("/tickets/999999/").status_code == 404


def test_timeline_merges_comments_and_events_in_time_order(
    admin_client_desk: Client, ticket: Ticket, admin: User
) -> None:
    comment_add(actor=admin, number=ticket.number, body="first reply")
    ticket_update(actor=admin, number=ticket.number, changes={"title": "Register offline"})
    comment_add(actor=admin, number=ticket.number, body="note inside", is_public=False)
    body = admin_client_desk.get(f"/tickets/{ticket.number}/").content.decode()
    assert body.index("first reply") < body.index("Register offline</span>") or body.index(
        "first reply"
    ) < body.index("note inside")
    assert "Internal note" in body


def test_status_form_offers_only_allowed_transitions(agent_client: Client, ticket: Ticket) -> None:
    response = agent_client.get(f"/tickets/{ticket.number}/")
    offered = {t.to_status.code for t in response.context["transitions"]}
    assert offered == {"in_progress", "waiting_client", "resolved", "closed"}


def test_inline_edit_saves_title_and_priority(agent_client: Client, ticket: Ticket) -> None:
    high = Priority.objects.get(code="high")
    response = agent_client.post(
        f"/tickets/{ticket.number}/edit/",
        {
            "title": "Register down",
            "priority_id": high.pk,
            "type_id": ticket.type_id,
            "version": ticket.version,
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.title == "Register down" and ticket.priority_id == high.pk


def test_stale_edit_shows_the_conflict_and_keeps_the_other_change(
    agent_client: Client, ticket: Ticket, admin: User
) -> None:
    stale = ticket.version
    ticket_update(actor=admin, number=ticket.number, changes={"title": "Changed by admin"})
    response = agent_client.post(
        f"/tickets/{ticket.number}/edit/",
        {"title": "My title", "priority_id": ticket.priority_id, "version": stale},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed by someone else" in body
    assert "Changed by admin" in body and "My title" in body
    ticket.refresh_from_db()
    assert ticket.title == "Changed by admin"


def test_invalid_edit_is_reported(agent_client: Client, ticket: Ticket) -> None:
    response = agent_client.post(
        f"/tickets/{ticket.number}/edit/", {"title": "   ", "version": ticket.version}
    )
    assert response.status_code == 422
    assert "must not be empty" in response.content.decode()


def test_public_reply_with_two_files(agent_client: Client, ticket: Ticket) -> None:
    files = [
        SimpleUploadedFile("log.txt", b"line 1\n", content_type="text/plain"),
        SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png"),
    ]
    response = agent_client.post(
        f"/tickets/{ticket.number}/reply/",
        {"body": "We are on it", "visibility": "public", "files": files},
    )
    assert response.status_code == 302
    comment = ticket.comments.get()
    assert comment.is_public and comment.attachments.count() == 2
    page = agent_client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "log.txt" in page and "photo.png" in page


def test_internal_note_is_not_public(agent_client: Client, ticket: Ticket) -> None:
    agent_client.post(
        f"/tickets/{ticket.number}/reply/", {"body": "check logs", "visibility": "internal"}
    )
    assert not ticket.comments.get().is_public


def test_refused_file_is_reported_and_the_reply_kept(agent_client: Client, ticket: Ticket) -> None:
    bad = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = agent_client.post(
        f"/tickets/{ticket.number}/reply/", {"body": "see file", "files": [bad]}, follow=True
    )
    assert "File not attached" in response.content.decode()
    assert ticket.comments.count() == 1 and ticket.attachments.count() == 0


def test_empty_reply_is_refused_and_shown_again(agent_client: Client, ticket: Ticket) -> None:
    response = agent_client.post(f"/tickets/{ticket.number}/reply/", {"body": "  "})
    assert response.status_code == 422


def test_attachment_download(agent_client: Client, ticket: Ticket) -> None:
    agent_client.post(
        f"/tickets/{ticket.number}/reply/",
        {"body": "file", "files": [SimpleUploadedFile("a.txt", b"hello")]},
    )
    attachment = ticket.attachments.get()
    response = agent_client.get(f"/tickets/{ticket.number}/files/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hello"
    assert agent_client.get(f"/tickets/{ticket.number}/files/99999/").status_code == 404


def test_status_change_along_an_allowed_transition(
    agent_client: Client, ticket: Ticket, status_of: Callable[[str], Status]
) -> None:
    agent_client.post(
        f"/tickets/{ticket.number}/status/",
        {"status_id": status_of("in_progress").pk, "version": ticket.version},
    )
    ticket.refresh_from_db()
    assert ticket.status.code == "in_progress"


def test_status_change_needing_a_comment_is_refused_without_one(
    agent_client: Client, ticket: Ticket, status_of: Callable[[str], Status]
) -> None:
    response = agent_client.post(
        f"/tickets/{ticket.number}/status/", {"status_id": status_of("waiting_client").pk}
    )
    assert response.status_code == 422
    assert "comment" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status.code == "new"


def test_status_change_with_comment_adds_it(
    agent_client: Client, ticket: Ticket, status_of: Callable[[str], Status]
) -> None:
    agent_client.post(
        f"/tickets/{ticket.number}/status/",
        {
            "status_id": status_of("waiting_client").pk,
            "comment": "Send a photo",
            "visibility": "public",
        },
    )
    ticket.refresh_from_db()
    assert ticket.status.code == "waiting_client"
    assert ticket.comments.get().is_public


def test_stale_status_change_is_refused(
    agent_client: Client, ticket: Ticket, admin: User, status_of: Callable[[str], Status]
) -> None:
    stale = ticket.version
    ticket_update(actor=admin, number=ticket.number, changes={"title": "x y"})
    response = agent_client.post(
        f"/tickets/{ticket.number}/status/",
        {"status_id": status_of("in_progress").pk, "version": stale},
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status.code == "new"


def test_assign_to_team_and_agent(
    agent_client: Client, ticket: Ticket, team: Team, agent: User
) -> None:
    agent_client.post(
        f"/tickets/{ticket.number}/assign/",
        {"team": team.pk, "assignee": agent.pk, "version": ticket.version},
    )
    ticket.refresh_from_db()
    assert (ticket.team_id, ticket.assignee_id) == (team.pk, agent.pk)


def test_assign_to_an_agent_outside_the_team_is_reported(
    admin_client_desk: Client, ticket: Ticket, team: Team, admin: User
) -> None:
    response = admin_client_desk.post(
        f"/tickets/{ticket.number}/assign/", {"team": team.pk, "assignee": admin.pk}, follow=True
    )
    assert "Not assigned" in response.content.decode()


def test_link_related_and_parent(agent_client: Client, ticket: Ticket, make_ticket: Any) -> None:
    other, parent = make_ticket(title="Other"), make_ticket(title="Parent one")
    agent_client.post(f"/tickets/{ticket.number}/link/", {"other_number": other.number})
    agent_client.post(
        f"/tickets/{ticket.number}/link/", {"other_number": f"#{parent.number}", "kind": "parent"}
    )
    body = agent_client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Other" in body and "Parent one" in body
    ticket.refresh_from_db()
    assert ticket.parent_id == parent.pk


def test_link_to_itself_is_reported(agent_client: Client, ticket: Ticket) -> None:
    response = agent_client.post(
        f"/tickets/{ticket.number}/link/", {"other_number": ticket.number}, follow=True
    )
    assert "Not linked" in response.content.decode()


def test_cards_cost_the_same_queries_however_many_other_tickets(
    admin_client_desk: Client, make_ticket: Any, company: Any
) -> None:
    current = make_ticket(title="Now", company_id=company.pk)
    make_ticket(title="Before", company_id=company.pk)
    admin_client_desk.get(f"/tickets/{current.number}/")  # loads the cached reference rows
    with CaptureQueriesContext(connection) as few:
        admin_client_desk.get(f"/tickets/{current.number}/")
    for i in range(8):
        make_ticket(title=f"Earlier {i}", company_id=company.pk)
    with CaptureQueriesContext(connection) as many:
        body = admin_client_desk.get(f"/tickets/{current.number}/").content.decode()
    assert "Earlier 7" in body
    assert len(many) == len(few)


def test_merge_moves_to_the_target(agent_client: Client, ticket: Ticket, make_ticket: Any) -> None:
    target = make_ticket(title="Main")
    response = agent_client.post(f"/tickets/{ticket.number}/merge/", {"into_number": target.number})
    assert response["Location"] == f"/tickets/{target.number}/"
    ticket.refresh_from_db()
    assert ticket.merged_into_id == target.pk


def test_cards_show_the_equipment_and_its_other_tickets(
    agent_client: Client, make_ticket: Any, company: Any
) -> None:
    site = SiteFactory(company=company, name="Shop 5")
    item = EquipmentFactory(site=site, serial_number="SN-777")
    older = make_ticket(title="Earlier fault", equipment_id=item.pk)
    current = make_ticket(title="New fault", equipment_id=item.pk)
    body = agent_client.get(f"/tickets/{current.number}/").content.decode()
    assert "SN-777" in body and "Shop 5" in body
    assert f"#{older.number}" in body


def test_ticket_page_runs_a_constant_number_of_queries(
    admin_client_desk: Client, ticket: Ticket, admin: User
) -> None:
    comment_add(actor=admin, number=ticket.number, body="one")
    admin_client_desk.get(f"/tickets/{ticket.number}/")  # loads the cached reference rows
    with CaptureQueriesContext(connection) as few:
        admin_client_desk.get(f"/tickets/{ticket.number}/")
    for i in range(10):
        comment_add(actor=admin, number=ticket.number, body=f"more {i}", is_public=i % 2 == 0)
    with CaptureQueriesContext(connection) as many:
        admin_client_desk.get(f"/tickets/{ticket.number}/")
    assert len(many) == len(few)


def test_the_history_names_each_event_kind(client, admin):
    """Event kinds became an open field: the page showed an empty name for them."""
    from deskline.tickets.services import ticket_create

    ticket = ticket_create(actor=admin, title="Printer")
    client.force_login(admin)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert re.search(r"</strong> · Created", page)


def test_the_contract_menu_is_read_when_the_edit_form_unfolds(
    admin_client_desk: Client, make_ticket: Any, company: Any
) -> None:
    """The folded edit form asks for its contract menu by htmx, naming the ticket's contract."""
    from tests.factories import ContractFactory

    contract = ContractFactory(company=company, number="SRV-9")
    ticket = make_ticket(company_id=company.pk, contract_id=contract.pk)
    page = admin_client_desk.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'hx-trigger="toggle once from:closest details"' in page
    assert f'"contract": "{contract.pk}"' in page and "selected>SRV-9" not in page
    menu = admin_client_desk.post(
        f"/tickets/{ticket.number}/coverage/", {"company": company.pk, "contract": contract.pk}
    ).content.decode()
    assert f'<option value="{contract.pk}" selected>SRV-9' in menu


def test_a_refused_save_shows_the_contract_menu_in_the_open_form(
    admin_client_desk: Client, make_ticket: Any, company: Any
) -> None:
    from tests.factories import ContractFactory

    contract = ContractFactory(company=company, number="SRV-10")
    ticket = make_ticket(company_id=company.pk, contract_id=contract.pk)
    response = admin_client_desk.post(
        f"/tickets/{ticket.number}/edit/", {"title": "", "version": ticket.version}
    )
    assert response.status_code == 422
    assert f'<option value="{contract.pk}" selected>SRV-10' in response.content.decode()


def test_a_new_agent_is_offered_at_once_and_observers_are_listed(
    admin_client_desk: Client, make_ticket: Any, admin: User, agent: User
) -> None:
    """The pickers' staff are cached per process; a saved user bumps that cache."""
    from tests.factories import UserFactory

    ticket = make_ticket()
    admin_client_desk.get(f"/tickets/{ticket.number}/")  # caches the staff
    newcomer = UserFactory(username="newcomer", first_name="Nina", last_name="New")
    ticket_update(actor=admin, number=ticket.number, changes={"observer_ids": [newcomer.pk]})
    page = admin_client_desk.get(f"/tickets/{ticket.number}/").content.decode()
    assert f'<option value="{newcomer.pk}" selected>Nina New</option>' in page
    assert "<dd>Nina New</dd>" in page
