"""Registry pages in the desk: company, contact, site, equipment with its repair history."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from deskline.accounts.models import User
from tests.factories import EquipmentFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_company_page_lists_its_tickets_sites_and_equipment(
    agent_client: Client, company: Any, make_ticket: Any
) -> None:
    site = SiteFactory(company=company, name="Warehouse")
    EquipmentFactory(site=site, serial_number="SN-1")
    ticket = make_ticket(title="Gate broken", company_id=company.pk)
    body = agent_client.get(f"/companies/{company.pk}/").content.decode()
    assert "Acme" in body and "Warehouse" in body and "SN-1" in body
    assert f"#{ticket.number}" in body


def test_equipment_page_shows_its_full_ticket_history(
    agent_client: Client, make_ticket: Any, admin: User
) -> None:
    item = EquipmentFactory(serial_number="SN-42")
    made = [make_ticket(title=f"Repair {i}", equipment_id=item.pk) for i in range(3)]
    make_ticket(title="Unrelated")
    response = agent_client.get(f"/equipment/{item.pk}/")
    body = response.content.decode()
    assert "Repair history" in body and "SN-42" in body
    assert all(f"#{t.number}" in body for t in made)
    assert "Unrelated" not in body


def test_contact_and_site_pages(agent_client: Client, contact: Any, make_ticket: Any) -> None:
    site = SiteFactory(company=contact.company, name="Office 2", address="2 Side St")
    ticket = make_ticket(contact_id=contact.pk, site_id=site.pk)
    contact_body = agent_client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "ann@acme.example" in contact_body and f"#{ticket.number}" in contact_body
    site_body = agent_client.get(f"/sites/{site.pk}/").content.decode()
    assert "2 Side St" in site_body and f"#{ticket.number}" in site_body


def test_unknown_registry_rows_are_404(agent_client: Client) -> None:
    for url in ("/companies/999/", "/contacts/999/", "/sites/999/", "/equipment/999/"):
        assert agent_client.get(url).status_code == 404


def test_clients_cannot_open_registry_pages(client_user: User, company: Any) -> None:
    client = Client()
    client.force_login(client_user)
    assert client.get(f"/companies/{company.pk}/")["Location"] == "/portal/"
