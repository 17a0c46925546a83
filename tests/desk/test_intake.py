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


def test_intake_shows_the_last_closed_tickets_beside_the_open_ones(
    agent_client: Client, company: Any, make_ticket: Any, admin: Any
) -> None:
    from deskline.tickets.models import Status
    from deskline.tickets.services import ticket_change_status

    done = make_ticket(title="Fixed last week", company_id=company.pk)
    ticket_change_status(
        actor=admin,
        number=done.number,
        status_id=Status.objects.get(code="closed").pk,
        comment="Replaced the fuse",
    )
    page = agent_client.get("/tickets/new/", {"company": company.pk}).content.decode()
    closed = page.split('id="closed-tickets"')[1]
    assert f"#{done.number}" in closed


def test_intake_saves_custom_fields_and_attachments(agent_client: Client, company: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from deskline.tickets import config_cache
    from deskline.tickets.models import CustomField

    field = CustomField.objects.create(code="floor", name="Floor", field_type="number")
    field.ticket_types.add(config_cache.default_type())
    page = agent_client.get("/tickets/new/").content.decode()
    assert 'name="cf_floor"' in page
    response = agent_client.post(
        "/tickets/new/",
        {"company": company.pk, "title": "Lift stuck", "cf_shown": "floor", "cf_floor": "3",
         "files": [SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff", "image/jpeg")]},
    )  # fmt: skip
    assert response.status_code == 302
    ticket = Ticket.objects.get(title="Lift stuck")
    assert ticket.custom_fields == {"floor": 3}
    assert [a.filename for a in ticket.attachments.all()] == ["photo.jpg"]


def test_type_change_brings_that_types_custom_fields(agent_client: Client, db: None) -> None:
    from deskline.tickets.models import CustomField, TicketType

    other = TicketType.objects.exclude(is_default=True).first()
    assert other is not None
    field = CustomField.objects.create(code="meter", name="Meter", field_type="string")
    field.ticket_types.add(other)
    body = agent_client.get("/tickets/new/fields/", {"type": other.pk}).content.decode()
    assert 'name="cf_meter"' in body


def test_a_call_recorded_on_the_contacts_behalf_says_so_in_the_history(
    agent_client: Client, company: Any
) -> None:
    contact = ContactFactory(company=company, name="Ivan Caller")
    agent_client.post(
        "/tickets/new/",
        {"company": company.pk, "contact": contact.pk, "title": "No power", "on_behalf": "1"},
    )
    ticket = Ticket.objects.get(title="No power")
    created = ticket.events.get(kind="created")
    assert created.data["on_behalf_of"] == "Ivan Caller"
    assert (
        "on behalf of Ivan Caller"
        in agent_client.get(f"/tickets/{ticket.number}/").content.decode()
    )


def test_internal_tickets_can_be_switched_off(
    agent_client: Client, company: Any, settings: Any
) -> None:
    settings.DESKLINE_INTERNAL_TICKETS = False
    refused = agent_client.post("/tickets/new/", {"title": "Our own printer"})
    assert refused.status_code == 400 and "internal tickets" in refused.content.decode()
    assert not Ticket.objects.filter(title="Our own printer").exists()
    agent_client.post("/tickets/new/", {"company": company.pk, "title": "Client printer"})
    assert Ticket.objects.filter(title="Client printer").exists()


def test_internal_ticket_allowed_by_default(agent_client: Client, db: None) -> None:
    response = agent_client.post("/tickets/new/", {"title": "Our own printer"})
    assert response.status_code == 302
    assert Ticket.objects.get(title="Our own printer").company_id is None


def test_a_contractor_does_not_see_another_companys_tickets_at_intake(
    company: Any, make_ticket: Any
) -> None:
    make_ticket(title="Secret", company_id=company.pk)
    contractor = Client()
    contractor.force_login(UserFactory(username="sub", role=Role.CONTRACTOR))
    page = contractor.get("/tickets/new/", {"company": company.pk}).content.decode()
    assert "Secret" not in page and "Acme" not in page
