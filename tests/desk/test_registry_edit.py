"""Registry lists, new and edit pages in the desk (issue 14, item 4): dispatchers create and edit
companies, contacts, sites, equipment and contracts under the services' rules; agents read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import Role
from deskline.clients.models import Company, Contact, Contract, Equipment, Site
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    ContractFactory,
    EquipmentFactory,
    EquipmentKindFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatcher_client(db: None) -> Client:
    client = Client()
    client.force_login(UserFactory(username="disp", role=Role.DISPATCHER))
    return client


def test_dispatcher_creates_a_company_and_lands_on_its_page(dispatcher_client: Client) -> None:
    response = dispatcher_client.post(
        "/companies/new/", {"name": "Romashka LLC", "tax_id": "7701000001", "is_active": "on"}
    )
    company = Company.objects.get(name="Romashka LLC")
    assert response["Location"] == f"/companies/{company.pk}/"
    assert company.tax_id == "7701000001" and company.is_active


def test_new_contact_asks_for_the_company_first(dispatcher_client: Client) -> None:
    body = dispatcher_client.get("/contacts/new/").content.decode()
    assert 'name="company_name"' in body and 'name="phone"' not in body


def test_dispatcher_adds_a_contact_to_a_company(
    dispatcher_client: Client, company: Company
) -> None:
    response = dispatcher_client.post(
        "/contacts/new/",
        {"company": company.pk, "name": "Olga", "phone": "8 (912) 345-67-89", "language": "ru",
         "is_active": "on"},
    )  # fmt: skip
    contact = Contact.objects.get(name="Olga")
    assert response["Location"] == f"/contacts/{contact.pk}/"
    assert contact.company_id == company.pk and contact.phone_normalized == "+79123456789"


def test_a_person_without_a_company_can_be_added(dispatcher_client: Client) -> None:
    dispatcher_client.post(
        "/contacts/new/", {"no_company": "1", "name": "Solo", "language": "en", "is_active": "on"}
    )
    assert Contact.objects.get(name="Solo").company_id is None


def test_a_bad_value_is_shown_beside_its_input_and_nothing_is_saved(
    dispatcher_client: Client, company: Company
) -> None:
    response = dispatcher_client.post(
        "/sites/new/",
        {"company": company.pk, "name": "Shop", "time_zone": "Mars/Olympus", "is_active": "on"},
    )
    assert response.status_code == 400
    assert "not an IANA time zone" in response.content.decode()
    assert not Site.objects.filter(name="Shop").exists()


def test_equipment_offers_only_the_sites_of_its_company(
    dispatcher_client: Client, company: Company
) -> None:
    SiteFactory(company=company, name="Own shop")
    SiteFactory(company=CompanyFactory(name="Other"), name="Foreign shop")
    body = dispatcher_client.get(f"/equipment/new/?company={company.pk}").content.decode()
    assert "Own shop" in body and "Foreign shop" not in body


def test_dispatcher_adds_equipment_at_a_site(dispatcher_client: Client, company: Company) -> None:
    site = SiteFactory(company=company)
    kind = EquipmentKindFactory()
    response = dispatcher_client.post(
        "/equipment/new/",
        {"company": company.pk, "kind": kind.pk, "site": site.pk, "serial_number": "KKT-9",
         "status": Equipment.Status.IN_SERVICE},
    )  # fmt: skip
    item = Equipment.objects.get(serial_number="KKT-9")
    assert response["Location"] == f"/equipment/{item.pk}/"
    assert item.site_id == site.pk and item.company_id == company.pk


def test_a_contract_covers_the_picked_equipment(
    dispatcher_client: Client, company: Company
) -> None:
    item = EquipmentFactory(company=company, site=SiteFactory(company=company))
    dispatcher_client.post(
        "/contracts/new/",
        {"company": company.pk, "number": "SRV-1", "starts_on": "2026-01-01",
         "equipment": [item.pk], "included_hours": "10,5", "is_active": "on"},
    )  # fmt: skip
    contract = Contract.objects.get(number="SRV-1")
    assert list(contract.equipment.values_list("pk", flat=True)) == [item.pk]
    body = dispatcher_client.get(f"/contracts/{contract.pk}/").content.decode()
    assert "SRV-1" in body and item.serial_number in body


def test_a_contract_ending_before_it_starts_is_refused(
    dispatcher_client: Client, company: Company
) -> None:
    response = dispatcher_client.post(
        "/contracts/new/",
        {"company": company.pk, "number": "BAD", "starts_on": "2026-05-01",
         "ends_on": "2026-01-01", "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 400
    assert not Contract.objects.filter(number="BAD").exists()


def test_dispatcher_edits_a_contact(dispatcher_client: Client, company: Company) -> None:
    contact = ContactFactory(company=company, name="Ann")
    form = dispatcher_client.get(f"/contacts/{contact.pk}/edit/").content.decode()
    assert 'value="Ann"' in form
    response = dispatcher_client.post(
        f"/contacts/{contact.pk}/edit/",
        {"name": "Ann Smith", "email": "ann@acme.example", "language": "en", "is_active": "on"},
    )
    assert response["Location"] == f"/contacts/{contact.pk}/"
    contact.refresh_from_db()
    assert contact.name == "Ann Smith" and contact.email == "ann@acme.example"


def test_editing_a_contract_keeps_its_coverage_when_shown(
    dispatcher_client: Client, company: Company
) -> None:
    item = EquipmentFactory(company=company, site=SiteFactory(company=company))
    contract = ContractFactory(company=company, number="K-1")
    contract.equipment.add(item)
    form = dispatcher_client.get(f"/contracts/{contract.pk}/edit/").content.decode()
    assert f'value="{item.pk}" selected' in form


def test_an_agent_reads_the_registry_but_cannot_write_it(
    agent_client: Client, company: Company
) -> None:
    contact = ContactFactory(company=company)
    assert agent_client.get("/contacts/").status_code == 200
    assert agent_client.get(f"/contacts/{contact.pk}/edit/").status_code == 403
    assert agent_client.post("/companies/new/", {"name": "Sneaky"}).status_code == 403
    assert not Company.objects.filter(name="Sneaky").exists()
    assert "/edit/" not in agent_client.get(f"/contacts/{contact.pk}/").content.decode()


def test_lists_search_each_kind(dispatcher_client: Client, company: Company) -> None:
    ContactFactory(company=company, name="Boris", phone="+7 912 000-11-22")
    ContactFactory(company=company, name="Vera")
    by_phone = dispatcher_client.get("/contacts/", {"q": "89120001122"}).content.decode()
    assert "Boris" in by_phone and "Vera" not in by_phone
    SiteFactory(company=company, name="Depot", address="Lenina 1")
    assert "Depot" in dispatcher_client.get("/sites/", {"q": "leni"}).content.decode()
    EquipmentFactory(company=company, serial_number="ZX-1", site=None)
    assert "ZX-1" in dispatcher_client.get("/equipment/", {"q": "zx"}).content.decode()
    ContractFactory(company=company, number="SLA-77", title="Gold")
    assert "SLA-77" in dispatcher_client.get("/contracts/", {"q": "gol"}).content.decode()


def test_a_list_narrowed_to_one_company(dispatcher_client: Client, company: Company) -> None:
    SiteFactory(company=company, name="Mine")
    SiteFactory(company=CompanyFactory(name="Them"), name="Theirs")
    body = dispatcher_client.get("/sites/", {"company": company.pk}).content.decode()
    assert "Mine" in body and "Theirs" not in body


@pytest.mark.parametrize("url", ["/contacts/", "/sites/", "/equipment/", "/contracts/"])
def test_list_query_count_does_not_grow(dispatcher_client: Client, url: str) -> None:
    def fill(n: int) -> None:
        for _ in range(n):
            item = EquipmentFactory()
            ContactFactory(company=item.company)
            ContractFactory(company=item.company)

    fill(2)
    dispatcher_client.get(url)
    with CaptureQueriesContext(connection) as few:
        dispatcher_client.get(url)
    fill(10)
    with CaptureQueriesContext(connection) as many:
        dispatcher_client.get(url)
    assert len(many) == len(few)


def test_company_page_shows_contacts_contracts_and_add_buttons(
    dispatcher_client: Client, company: Company
) -> None:
    ContactFactory(company=company, name="Zoya")
    ContractFactory(company=company, number="C-99", starts_on=dt.date(2026, 1, 1))
    body = dispatcher_client.get(f"/companies/{company.pk}/").content.decode()
    assert "Zoya" in body and "C-99" in body
    for add in ("/contacts/new/", "/sites/new/", "/equipment/new/", "/contracts/new/"):
        assert f"{add}?company={company.pk}" in body


def test_a_contractor_cannot_open_a_contract_page(company: Company, make_ticket: Any) -> None:
    contract = ContractFactory(company=company)
    client = Client()
    client.force_login(UserFactory(username="sub", role=Role.CONTRACTOR))
    assert client.get(f"/contracts/{contract.pk}/").status_code == 404
