"""The intake page: find the caller by phone however typed, see open tickets, save a ticket."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from deskline.accounts.models import Role
from deskline.tickets.models import Channel, Ticket
from tests.factories import ContactFactory, EquipmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_phone_typed_differently_finds_the_caller(agent_client: Client, company: Any) -> None:
    contact = ContactFactory(company=company, name="Ivan Caller", phone="+7 (912) 345-67-89")
    body = agent_client.get("/tickets/new/callers/", {"q": "89123456789"}).content.decode()
    assert "Ivan Caller" in body and f"contact={contact.pk}" in body


def test_picked_caller_shows_open_tickets_and_saving_creates_a_phone_ticket(
    agent_client: Client, company: Any, make_ticket: Any
) -> None:
    contact = ContactFactory(company=company, name="Ivan Caller")
    unit = EquipmentFactory(site__company=company, serial_number="SN-77")
    old = make_ticket(title="Printer jams", company_id=company.pk)
    page = agent_client.get(
        "/tickets/new/", {"company": company.pk, "contact": contact.pk, "equipment": unit.pk}
    ).content.decode()
    assert f"#{old.number}" in page and "SN-77" in page
    response = agent_client.post(
        "/tickets/new/",
        {"company": company.pk, "contact": contact.pk, "equipment": unit.pk, "title": "No power"},
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(title="No power")
    assert response["Location"] == f"/tickets/{ticket.number}/"
    assert (ticket.channel, ticket.contact_id, ticket.equipment_id) == (
        Channel.PHONE,
        contact.pk,
        unit.pk,
    )


def test_clients_cannot_use_the_intake(client_user: Any) -> None:
    client = Client()
    client.force_login(client_user)
    assert client.get("/tickets/new/callers/", {"q": "acme"}).status_code == 302


def test_preview_shows_sla_deadlines_before_saving(agent_client: Client, company: Any) -> None:
    response = agent_client.post("/tickets/new/preview/", {"company": company.pk, "title": "x"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Reaction due" in body and "Resolution due" in body


def test_repeat_call_joins_the_open_ticket_as_a_note(
    agent_client: Client, company: Any, make_ticket: Any
) -> None:
    contact = ContactFactory(company=company, name="Ivan Caller")
    old = make_ticket(title="Printer jams", company_id=company.pk)
    response = agent_client.post(
        "/tickets/new/",
        {"company": company.pk, "contact": contact.pk, "join": old.number, "title": "Still jams"},
    )
    assert response.status_code == 302 and response["Location"] == f"/tickets/{old.number}/"
    assert not Ticket.objects.filter(title="Still jams").exists()
    note = old.comments.get()
    assert "Still jams" in note.body and not note.is_public


def test_new_contact_inline_is_picked_for_the_ticket(agent_client: Client, company: Any) -> None:
    dispatcher = UserFactory(role=Role.DISPATCHER)
    client = Client()
    client.force_login(dispatcher)
    response = client.post(
        "/tickets/new/",
        {
            "action": "contact",
            "company": company.pk,
            "contact_name": "Nina New",
            "contact_phone": "8 (912) 111-22-33",
            "contact_email": "nina@acme.example",
        },
    )
    assert response.status_code == 302
    made = company.contacts.get(name="Nina New")
    assert made.phone_normalized == "+79121112233"
    assert response["Location"] == f"/tickets/new/?company={company.pk}&contact={made.pk}"
    # An agent may not write the registry (the API's rule): the page says so.
    refused = agent_client.post(
        "/tickets/new/", {"action": "contact", "company": company.pk, "contact_name": "X"}
    )
    assert refused.status_code == 400
