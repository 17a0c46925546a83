"""The main journeys of an agent, a client and an administrator, in a real browser."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from deskline.accounts.models import Role, User
from deskline.tickets.models import Priority, Status, Ticket
from deskline.tickets.services import comment_add, ticket_change_status, ticket_create
from tests.e2e.conftest import desk_login, portal_login, shot
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    ContactFactory,
    ContactUserFactory,
    EquipmentFactory,
    SiteFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _seed() -> dict[str, Any]:
    admin = AdminFactory(username="admin", first_name="Alice", last_name="Admin")
    agent = UserFactory(username="agent", first_name="Boris", last_name="Ivanov", role=Role.AGENT)
    team = TeamFactory(name="First line", members=[agent])
    TeamFactory(name="Field engineers", members=[agent])
    company = CompanyFactory(name="Acme Retail")
    site = SiteFactory(company=company, name="Shop on Tverskaya", address="Tverskaya 7")
    till = EquipmentFactory(site=site, serial_number="KKT-000451")
    contact = ContactFactory(company=company, name="Carl Client", email="carl@acme.example")
    client = ContactUserFactory(username="carl", email="carl@acme.example", contact=contact)
    high = Priority.objects.get(code="high")
    critical = Priority.objects.get(code="critical")
    now = timezone.now()
    titles = [
        ("Cash register does not print receipts", critical, 0.5),
        ("Card terminal declines contactless payments", high, 3),
        ("Replace the printer cartridge in the back office", None, 30),
        ("Wi-Fi drops in the sales hall every evening", high, -2),
        ("New employee needs access to the stock system", None, None),
        ("Scanner beeps but does not read barcodes", None, 20),
    ]
    made = []
    for title, priority, hours in titles:
        ticket = ticket_create(
            actor=admin,
            title=title,
            description=f"{title}. Reported by the shop manager this morning.",
            company_id=company.pk,
            contact_id=contact.pk,
            site_id=site.pk,
            equipment_id=till.pk if "register" in title else None,
            priority_id=priority.pk if priority else None,
            team_id=team.pk,
        )
        if hours is not None:
            Ticket.objects.filter(pk=ticket.pk).update(
                resolution_due=now + dt.timedelta(hours=hours),
                reaction_due=now + dt.timedelta(hours=hours / 4),
            )
        made.append(ticket)
    return {"admin": admin, "agent": agent, "team": team, "client": client, "tickets": made}


def test_agent_filters_opens_replies_changes_status_and_assigns(
    live_server: Any, page: Any, phone_page: Any
) -> None:
    data = _seed()
    base = live_server.url
    desk_login(page, base, "agent")
    page.wait_for_selector("table.tickets")
    shot(page, "desk-list-1280")

    page.fill("input[name=q]", "register")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**q=register**")
    rows = page.locator("tr.ticket-row")
    assert rows.count() == 1
    rows.first.locator("td.c-title a").click()
    page.wait_for_selector("h1 >> text=Cash register does not print receipts")

    page.fill("textarea[name=body]", "We are sending an engineer within the hour.")
    page.set_input_files(
        "form[action$='/reply/'] input[type=file]",
        files=[{"name": "checklist.txt", "mimeType": "text/plain", "buffer": b"1. power\n"}],
    )
    page.click("form[action$='/reply/'] button[type=submit]")
    page.wait_for_selector("text=Reply sent.")
    assert page.locator(".files a", has_text="checklist.txt").count() == 1

    page.select_option("select[name=status_id]", label="In progress")
    page.click("form[action$='/status/'] button[type=submit]")
    page.wait_for_selector("text=Status changed.")

    page.select_option("select[name=assignee]", label="Boris Ivanov")
    page.click("form[action$='/assign/'] button[type=submit]")
    page.wait_for_selector("text=Assignment saved.")
    shot(page, "desk-ticket-1280")

    ticket = Ticket.objects.get(pk=data["tickets"][0].pk)
    assert ticket.status.code == "in_progress"
    assert ticket.assignee_id == data["agent"].pk
    assert ticket.comments.get().attachments.count() == 1

    desk_login(phone_page, base, "agent")
    shot(phone_page, "desk-list-390")
    phone_page.goto(f"{base}/tickets/{ticket.number}/")
    shot(phone_page, "desk-ticket-390")

    page.goto(f"{base}/")
    page.click("button.lang[value=ru]")
    page.wait_for_selector("h1 >> text=Заявки")
    shot(page, "desk-list-ru-1280")


def test_client_submits_sees_reply_confirms_and_rates(live_server: Any, page: Any) -> None:
    data = _seed()
    base = live_server.url
    portal_login(page, base, "carl@acme.example")
    page.click("text=New ticket")
    page.fill("input[name=title]", "Receipt printer jams")
    page.fill("textarea[name=description]", "Paper jams after every second receipt.")
    page.select_option("select[name=type]", label="Incident")
    page.select_option("select[name=site]", label="Shop on Tverskaya")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "jam.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff\xe0pic"}],
    )
    page.click("form button[type=submit] >> text=Submit")
    page.wait_for_selector("text=is registered")
    assert page.locator("text=Expected resolution by").count() >= 1
    ticket = Ticket.objects.get(title="Receipt printer jams")
    assert ticket.attachments.count() == 1

    admin: User = data["admin"]
    comment_add(actor=admin, number=ticket.number, body="Cleaned the rollers; please check.")
    comment_add(actor=admin, number=ticket.number, body="internal: roller worn", is_public=False)
    resolved = Status.objects.get(code="resolved")
    ticket_change_status(actor=admin, number=ticket.number, status_id=resolved.pk)

    page.goto(f"{base}/portal/tickets/{ticket.number}/")
    page.wait_for_selector("text=Cleaned the rollers; please check.")
    assert page.locator("text=roller worn").count() == 0
    shot(page, "portal-ticket-1280")
    page.click("text=Yes, close the ticket")
    page.wait_for_selector("text=The ticket is closed")
    page.check("input[name=rating][value='5']")
    page.fill("form[action$='/rate/'] textarea[name=comment]", "Quick and polite, thank you!")
    page.click("text=Send the rating")
    page.wait_for_selector("text=Thank you for your rating.")
    ticket.refresh_from_db()
    assert (ticket.status.code, ticket.rating) == ("closed", 5)
    shot(page, "portal-ticket-rated-1280")


def test_admin_adds_a_status_and_transition_that_an_agent_then_uses(
    live_server: Any, page: Any, browser: Any
) -> None:
    data = _seed()
    base = live_server.url
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "pass-word-123")
    page.click("input[type=submit]")
    page.goto(f"{base}/admin/tickets/status/add/")
    page.fill("input[name=code]", "on_site")
    page.fill("input[name=name]", "Engineer on site")
    page.select_option("select[name=phase]", value="open")
    page.fill("input[name=order]", "25")
    page.click("input[name=_save]")
    page.wait_for_selector("text=was added successfully")
    page.goto(f"{base}/admin/tickets/statustransition/add/")
    page.select_option("select[name=from_status]", label="New")
    page.select_option("select[name=to_status]", label="Engineer on site")
    page.click("input[name=_save]")
    page.wait_for_selector("text=was added successfully")

    agent_context = browser.new_context(viewport={"width": 1280, "height": 900})
    agent_page = agent_context.new_page()
    desk_login(agent_page, base, "agent")
    ticket = data["tickets"][1]
    agent_page.goto(f"{base}/tickets/{ticket.number}/")
    agent_page.select_option("select[name=status_id]", label="Engineer on site")
    agent_page.click("form[action$='/status/'] button[type=submit]")
    agent_page.wait_for_selector("text=Status changed.")
    agent_context.close()
    ticket.refresh_from_db()
    assert ticket.status.code == "on_site"
