"""The client portal: sign-in, new tickets, own tickets only, comments, confirm, reopen, rate."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deskline.accounts.models import User
from deskline.tickets.models import Ticket, TicketType
from deskline.tickets.services import (
    attachment_add,
    comment_add,
    ticket_assign,
    ticket_change_status,
    ticket_create,
)
from tests.factories import EquipmentFactory, SiteFactory, TeamFactory
from tests.portal.conftest import status

pytestmark = pytest.mark.django_db


# Signing in.


def test_contact_signs_in_with_email_and_password(client: Client, carl: User) -> None:
    response = client.post(
        "/portal/login/", {"username": "CARL@x.example", "password": "pass-word-123"}
    )
    assert response["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200


def test_wrong_password_is_refused(client: Client, carl: User) -> None:
    response = client.post("/portal/login/", {"username": "carl@x.example", "password": "x"})
    assert response.status_code == 200
    assert "Wrong email or password" in response.content.decode()


def test_anonymous_is_sent_to_portal_login(client: Client, db: None) -> None:
    assert client.get("/portal/")["Location"] == "/portal/login/?next=%2Fportal%2F"


def test_staff_opening_the_portal_go_to_the_desk(agent: User) -> None:
    client = Client()
    client.force_login(agent)
    assert client.get("/portal/")["Location"] == "/"


def test_password_reset_by_email(client: Client, carl: User) -> None:
    from deskline.notifications.models import Outbox

    response = client.post("/portal/password-reset/", {"email": "carl@x.example"})
    assert response["Location"] == "/portal/password-reset/sent/"
    # Issue 13 item 7: queued in the outbox (with its retries), not sent inside the request.
    assert mail.outbox == []
    queued = Outbox.objects.get(event="password_reset", recipient="carl@x.example")
    link = re.search(r"http://testserver(/portal/password-reset/\S+/\S+/)", queued.body)
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Fresh-pass-987", "new_password2": "Fresh-pass-987"},
    )
    assert done["Location"] == "/portal/password-reset/done/"
    carl.refresh_from_db()
    assert carl.check_password("Fresh-pass-987")


def test_logout(carl_client: Client) -> None:
    assert carl_client.post("/portal/logout/")["Location"] == "/portal/login/"


# Submitting a ticket.


def test_new_ticket_form_offers_only_types_open_to_clients_and_own_sites(
    carl_client: Client, company: Any, other_company: Any
) -> None:
    SiteFactory(company=company, name="Our shop")
    SiteFactory(company=other_company, name="Their shop")
    body = carl_client.get("/portal/new/").content.decode()
    assert "Incident" in body and "Planned work" not in body
    assert "Our shop" in body and "Their shop" not in body


def test_submit_ticket_with_attachment_shows_number_and_expected_times(
    carl_client: Client, company: Any, carl: User
) -> None:
    site = SiteFactory(company=company)
    item = EquipmentFactory(site=site)
    incident = TicketType.objects.get(code="incident")
    response = carl_client.post(
        "/portal/new/",
        {
            "title": "Scanner dead",
            "description": "No power",
            "type": incident.pk,
            "site": site.pk,
            "equipment": item.pk,
            "files": [SimpleUploadedFile("photo.txt", b"pic")],
        },
    )
    ticket = Ticket.objects.get(title="Scanner dead")
    assert response["Location"] == f"/portal/tickets/{ticket.number}/?created=1"
    assert ticket.contact == carl.contact and ticket.channel == "portal"
    assert ticket.attachments.count() == 1 and ticket.equipment_id == item.pk
    page = carl_client.get(response["Location"]).content.decode()
    assert f"Ticket #{ticket.number} is registered" in page
    assert "Expected reaction by" in page and "Expected resolution by" in page
    ticket.refresh_from_db()
    for due in (ticket.reaction_due, ticket.resolution_due):
        shown = "not set" if due is None else timezone.localtime(due).strftime("%d.%m.%Y %H:%M")
        assert shown in page


def test_expected_times_read_not_set_without_deadlines(carl_client: Client, carl: User) -> None:
    ticket = ticket_create(actor=carl, title="No SLA here")
    Ticket.objects.filter(pk=ticket.pk).update(reaction_due=None, resolution_due=None)
    page = carl_client.get(f"/portal/tickets/{ticket.number}/?created=1").content.decode()
    assert page.count("not set") >= 2


def test_submit_refuses_another_company_site(carl_client: Client, other_company: Any) -> None:
    site = SiteFactory(company=other_company)
    incident = TicketType.objects.get(code="incident")
    response = carl_client.post(
        "/portal/new/",
        {"title": "x", "description": "y", "type": incident.pk, "site": site.pk},
    )
    assert response.status_code == 200
    assert not Ticket.objects.exists()


def test_submit_refuses_a_type_closed_to_clients(carl_client: Client) -> None:
    planned = TicketType.objects.get(code="planned_work")
    carl_client.post("/portal/new/", {"title": "x", "description": "y", "type": planned.pk})
    assert not Ticket.objects.exists()


# Seeing tickets: own only, or the company's if allowed.


def test_list_shows_own_tickets_only(
    carl_client: Client, carl: User, colleague: User, stranger: User
) -> None:
    mine = ticket_create(actor=carl, title="Mine one")
    ticket_create(actor=colleague, title="Colleague one")
    ticket_create(actor=stranger, title="Stranger one")
    body = carl_client.get("/portal/").content.decode()
    assert "Mine one" in body and f"#{mine.number}" in body
    assert "Colleague one" not in body and "Stranger one" not in body


def test_contact_allowed_to_see_company_tickets_sees_colleagues(
    boss: User, carl: User, stranger: User
) -> None:
    ticket_create(actor=carl, title="Carl's")
    ticket_create(actor=stranger, title="Stranger one")
    client = Client()
    client.force_login(boss)
    body = client.get("/portal/").content.decode()
    assert "Carl&#x27;s" in body and "Stranger one" not in body


def test_guessing_another_company_ticket_number_gives_404(
    carl_client: Client, stranger: User
) -> None:
    theirs = ticket_create(actor=stranger, title="Secret")
    n = theirs.number
    assert carl_client.get(f"/portal/tickets/{n}/").status_code == 404
    assert carl_client.post(f"/portal/tickets/{n}/comment/", {"body": "hi"}).status_code == 404
    assert carl_client.post(f"/portal/tickets/{n}/confirm/").status_code == 404
    assert carl_client.post(f"/portal/tickets/{n}/rate/", {"rating": 5}).status_code == 404
    assert not theirs.comments.exists()


def test_colleague_ticket_is_404_without_company_visibility(
    carl_client: Client, colleague: User
) -> None:
    theirs = ticket_create(actor=colleague, title="Private")
    assert carl_client.get(f"/portal/tickets/{theirs.number}/").status_code == 404


def test_client_never_sees_internal_notes_or_agent_only_fields(
    carl_client: Client, carl_ticket: Ticket, admin: User, agent: User
) -> None:
    team = TeamFactory(name="Secret Squad", members=[agent])
    ticket_assign(actor=admin, number=carl_ticket.number, team_id=team.pk, assignee_id=agent.pk)
    comment_add(actor=admin, number=carl_ticket.number, body="Public answer")
    note = comment_add(
        actor=admin, number=carl_ticket.number, body="Internal gossip", is_public=False
    )
    attachment_add(
        actor=admin,
        number=carl_ticket.number,
        filename="internal.txt",
        content=SimpleUploadedFile("internal.txt", b"x"),
        size=1,
        is_public=False,
        comment_id=note.pk,
    )
    body = carl_client.get(f"/portal/tickets/{carl_ticket.number}/").content.decode()
    assert "Public answer" in body
    assert "Internal gossip" not in body and "internal.txt" not in body
    assert "Secret Squad" not in body and agent.last_name not in body
    hidden = carl_ticket.attachments.get()
    assert (
        carl_client.get(f"/portal/tickets/{carl_ticket.number}/files/{hidden.pk}/").status_code
        == 404
    )


def test_client_downloads_a_public_attachment(
    carl_client: Client, carl_ticket: Ticket, admin: User
) -> None:
    attachment = attachment_add(
        actor=admin,
        number=carl_ticket.number,
        filename="report.txt",
        content=SimpleUploadedFile("report.txt", b"done"),
        size=4,
    )
    response = carl_client.get(f"/portal/tickets/{carl_ticket.number}/files/{attachment.pk}/")
    assert b"".join(response.streaming_content) == b"done"


# Acting on a ticket.


def test_client_adds_a_comment(carl_client: Client, carl_ticket: Ticket) -> None:
    carl_client.post(f"/portal/tickets/{carl_ticket.number}/comment/", {"body": "Any news?"})
    comment = carl_ticket.comments.get()
    assert comment.is_public and comment.author_contact is not None


def test_client_confirms_a_resolved_ticket(
    carl_client: Client, carl_ticket: Ticket, admin: User
) -> None:
    ticket_change_status(actor=admin, number=carl_ticket.number, status_id=status("resolved").pk)
    page = carl_client.get(f"/portal/tickets/{carl_ticket.number}/").content.decode()
    assert "Yes, close the ticket" in page
    carl_client.post(f"/portal/tickets/{carl_ticket.number}/confirm/")
    carl_ticket.refresh_from_db()
    assert carl_ticket.status.code == "closed"


def test_client_reopens_with_a_comment(
    carl_client: Client, carl_ticket: Ticket, admin: User
) -> None:
    ticket_change_status(actor=admin, number=carl_ticket.number, status_id=status("resolved").pk)
    refused = carl_client.post(f"/portal/tickets/{carl_ticket.number}/reopen/", {"comment": ""})
    assert refused.status_code == 422
    carl_client.post(f"/portal/tickets/{carl_ticket.number}/reopen/", {"comment": "Still broken"})
    carl_ticket.refresh_from_db()
    assert carl_ticket.status.code == "in_progress"
    assert carl_ticket.comments.filter(body__contains="Still broken").exists()


def test_confirm_is_not_offered_on_an_open_ticket(carl_client: Client, carl_ticket: Ticket) -> None:
    page = carl_client.get(f"/portal/tickets/{carl_ticket.number}/").content.decode()
    assert "Yes, close the ticket" not in page
    carl_client.post(f"/portal/tickets/{carl_ticket.number}/confirm/")
    carl_ticket.refresh_from_db()
    assert carl_ticket.status.code == "new"


def test_client_rates_a_resolved_ticket(
    carl_client: Client, carl_ticket: Ticket, admin: User
) -> None:
    ticket_change_status(actor=admin, number=carl_ticket.number, status_id=status("resolved").pk)
    response = carl_client.post(
        f"/portal/tickets/{carl_ticket.number}/rate/", {"rating": "5", "comment": "Fast, thanks"}
    )
    assert response["Location"] == f"/portal/tickets/{carl_ticket.number}/"
    carl_ticket.refresh_from_db()
    assert carl_ticket.rating == 5


def test_low_rating_offers_to_reopen(carl_client: Client, carl_ticket: Ticket, admin: User) -> None:
    ticket_change_status(actor=admin, number=carl_ticket.number, status_id=status("resolved").pk)
    response = carl_client.post(
        f"/portal/tickets/{carl_ticket.number}/rate/", {"rating": "1"}, follow=True
    )
    body = response.content.decode()
    assert "reopen the ticket" in body and "No, reopen it" in body


def test_rating_an_open_ticket_is_refused(carl_client: Client, carl_ticket: Ticket) -> None:
    response = carl_client.post(
        f"/portal/tickets/{carl_ticket.number}/rate/", {"rating": "4"}, follow=True
    )
    assert "Not rated" in response.content.decode()


def test_portal_list_runs_a_constant_number_of_queries(carl_client: Client, carl: User) -> None:
    for i in range(3):
        ticket_create(actor=carl, title=f"t{i}")
    carl_client.get("/portal/")  # the first page loads the cached reference rows
    with CaptureQueriesContext(connection) as few:
        carl_client.get("/portal/")
    for i in range(20):
        ticket_create(actor=carl, title=f"more {i}")
    with CaptureQueriesContext(connection) as many:
        carl_client.get("/portal/")
    assert len(many) == len(few)


def test_portal_ticket_page_runs_a_constant_number_of_queries(
    carl_client: Client, carl_ticket: Ticket, admin: User
) -> None:
    comment_add(actor=admin, number=carl_ticket.number, body="one")
    carl_client.get(f"/portal/tickets/{carl_ticket.number}/")  # loads the cached reference rows
    with CaptureQueriesContext(connection) as few:
        carl_client.get(f"/portal/tickets/{carl_ticket.number}/")
    for i in range(8):
        comment_add(actor=admin, number=carl_ticket.number, body=f"r{i}")
    with CaptureQueriesContext(connection) as many:
        carl_client.get(f"/portal/tickets/{carl_ticket.number}/")
    assert len(many) == len(few)


def test_files_attached_without_a_comment_show_on_both_ticket_pages(
    client: Client, carl: User, admin: User
) -> None:
    """Issue 13 item 13: such files were listed by the API only."""
    import io

    from deskline.tickets.services import attachment_add

    ticket = ticket_create(actor=carl, title="Scanner broken")
    for name, public in (("photo.png.txt", True), ("notes.txt", False)):
        attachment_add(actor=admin, number=ticket.number, filename=name,
                       content=io.BytesIO(b"data"), size=4, is_public=public)  # fmt: skip
    client.force_login(carl)
    portal = client.get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert "photo.png.txt" in portal and "notes.txt" not in portal
    client.force_login(admin)
    desk = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "photo.png.txt" in desk and "notes.txt" in desk


def test_staff_reset_their_password_from_the_desk_and_the_portal_resets_no_staff(
    client: Client, admin: User
) -> None:
    """Issue 13 item 7: password reset existed on the portal only."""
    from deskline.notifications.models import Outbox

    client.post("/portal/password-reset/", {"email": admin.email})
    assert not Outbox.objects.filter(event="password_reset").exists()
    response = client.post("/password-reset/", {"email": admin.email})
    assert response["Location"] == "/password-reset/sent/"
    queued = Outbox.objects.get(event="password_reset", recipient=admin.email)
    link = re.search(r"http://testserver(/password-reset/\S+/\S+/)", queued.body)
    assert link is not None and "service desk" in queued.subject
    form = client.get(link.group(1), follow=True)
    done = client.post(form.redirect_chain[-1][0],
                       {"new_password1": "Fresh-pass-987", "new_password2": "Fresh-pass-987"})  # fmt: skip
    assert done["Location"] == "/password-reset/done/"
    admin.refresh_from_db()
    assert admin.check_password("Fresh-pass-987")


def test_the_portal_summary_counts_only_what_the_contact_sees(
    carl: User, make_ticket: Any, admin: User
) -> None:
    from tests.factories import ContactFactory

    mine = make_ticket(title="Mine", contact_id=carl.contact.pk)
    make_ticket(title="Mine too", contact_id=carl.contact.pk)
    stranger = ContactFactory()
    make_ticket(title="Someone else's", contact_id=stranger.pk)
    Ticket.objects.filter(pk=mine.pk).update(
        phase="resolved", resolved_at=timezone.now(), rating=4,
        resolution_due=timezone.now(), resolution_breached=False,
    )  # fmt: skip
    client = Client()
    client.force_login(carl)
    summary = client.get("/portal/").context["summary"]
    assert (summary.open, summary.resolved) == (1, 1)
    assert summary.resolution_met_pct == 100.0 and summary.rating_avg == 4.0
