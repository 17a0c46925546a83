"""The ticket page edits who and what a ticket is about: registry fields, contract, observers
and custom fields, with a live coverage badge (issue 14, item 2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from deskline.clients.models import Company
from deskline.desk.custom_inputs import custom_inputs, custom_values_from_form
from deskline.tickets.models import CustomField, Ticket
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    ContractFactory,
    EquipmentFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(make_ticket: Any) -> Ticket:
    ticket: Ticket = make_ticket(title="Printer jams")
    return ticket


def _edit(client: Client, ticket: Ticket, **extra: Any) -> Any:
    ticket.refresh_from_db()
    data = {
        "title": ticket.title,
        "priority_id": ticket.priority_id,
        "type_id": ticket.type_id,
        "version": ticket.version,
    }
    return client.post(f"/tickets/{ticket.number}/edit/", {**data, **extra})


def test_agent_sets_company_contact_site_and_equipment(
    agent_client: Client, ticket: Ticket, company: Company
) -> None:
    contact = ContactFactory(company=company)
    site = SiteFactory(company=company)
    item = EquipmentFactory(company=company, site=site)
    response = _edit(
        agent_client,
        ticket,
        company=company.pk,
        contact=contact.pk,
        site=site.pk,
        equipment=item.pk,
        contract="",
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.company_id, ticket.contact_id, ticket.site_id, ticket.equipment_id) == (
        company.pk,
        contact.pk,
        site.pk,
        item.pk,
    )


def test_equipment_of_another_company_is_refused_naming_the_field(
    agent_client: Client, ticket: Ticket, company: Company
) -> None:
    other = EquipmentFactory(company=CompanyFactory(name="Other"))
    response = _edit(agent_client, ticket, company=company.pk, equipment=other.pk)
    assert response.status_code == 422
    assert "equipment_id" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.company_id is None


def test_the_contract_can_be_picked_and_the_automatic_one_restored(
    agent_client: Client, ticket: Ticket, company: Company
) -> None:
    today = timezone.localdate()
    picked = ContractFactory(company=company, number="C-2", starts_on=today - dt.timedelta(days=9))
    _edit(agent_client, ticket, company=company.pk, contract=picked.pk)
    ticket.refresh_from_db()
    assert ticket.contract_id == picked.pk
    _edit(agent_client, ticket, company="", contract="")
    ticket.refresh_from_db()
    assert ticket.company_id is None and ticket.contract_id is None


def test_observers_are_set_and_cleared(agent_client: Client, ticket: Ticket) -> None:
    watcher = UserFactory(username="watcher", role="agent")
    _edit(agent_client, ticket, observers_shown="1", observers=[watcher.pk])
    assert list(ticket.observers.values_list("pk", flat=True)) == [watcher.pk]
    _edit(agent_client, ticket, observers_shown="1")
    assert not ticket.observers.exists()


def test_observers_untouched_when_the_form_did_not_show_them(
    agent_client: Client, ticket: Ticket
) -> None:
    watcher = UserFactory(username="watcher", role="agent")
    ticket.observers.add(watcher)
    _edit(agent_client, ticket)
    assert ticket.observers.filter(pk=watcher.pk).exists()


@pytest.fixture
def fields(ticket: Ticket) -> dict[str, CustomField]:
    made = {
        "serial": CustomField.objects.create(code="serial", name="Serial", field_type="string"),
        "hours": CustomField.objects.create(code="hours", name="Hours", field_type="number"),
        "urgent": CustomField.objects.create(code="urgent", name="Urgent", field_type="checkbox"),
        "parts": CustomField.objects.create(
            code="parts", name="Parts", field_type="multiselect", choices=["drum", "fuser"]
        ),
        "visit": CustomField.objects.create(code="visit", name="Visit", field_type="datetime"),
    }
    for field in made.values():
        field.ticket_types.add(ticket.type)
    return made


def test_page_shows_the_custom_fields_of_the_type(
    agent_client: Client, ticket: Ticket, fields: dict[str, CustomField]
) -> None:
    body = agent_client.get(f"/tickets/{ticket.number}/").content.decode()
    for name in ("cf_serial", "cf_hours", "cf_urgent", "cf_parts", "cf_visit"):
        assert f'name="{name}"' in body


def test_custom_fields_are_saved_from_the_form(
    agent_client: Client, ticket: Ticket, fields: dict[str, CustomField]
) -> None:
    response = _edit(
        agent_client,
        ticket,
        cf_shown="serial,hours,urgent,parts,visit",
        cf_serial="AB-1",
        cf_hours="1,5",
        cf_urgent="1",
        cf_parts=["drum", "fuser"],
        cf_visit="2026-12-05T09:30",
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    values = ticket.custom_fields
    assert values["serial"] == "AB-1" and values["hours"] == 1.5 and values["urgent"] is True
    assert values["parts"] == ["drum", "fuser"]
    assert values["visit"].startswith("2026-12-05T")


def test_an_emptied_custom_field_is_removed(
    agent_client: Client, ticket: Ticket, fields: dict[str, CustomField]
) -> None:
    _edit(agent_client, ticket, cf_shown="serial", cf_serial="AB-1")
    _edit(agent_client, ticket, cf_shown="serial", cf_serial="")
    ticket.refresh_from_db()
    assert "serial" not in ticket.custom_fields


def test_a_bad_custom_value_is_reported_by_field(
    agent_client: Client, ticket: Ticket, fields: dict[str, CustomField]
) -> None:
    response = _edit(agent_client, ticket, cf_shown="hours", cf_hours="many")
    assert response.status_code == 422
    assert "custom_fields.hours" in response.content.decode()


def test_coverage_badge_names_the_contract_that_covers_the_equipment(
    agent_client: Client, ticket: Ticket, company: Company
) -> None:
    item = EquipmentFactory(company=company)
    contract = ContractFactory(
        company=company, number="SRV-7", starts_on=timezone.localdate() - dt.timedelta(days=1)
    )
    contract.equipment.add(item)
    response = agent_client.post(
        f"/tickets/{ticket.number}/coverage/",
        {"company": company.pk, "equipment": item.pk, "auto": "1"},
    )
    assert response.status_code == 200
    assert "Covered by contract SRV-7" in response.content.decode()


def test_coverage_badge_warns_when_no_contract_covers_the_equipment(
    agent_client: Client, ticket: Ticket, company: Company
) -> None:
    item = EquipmentFactory(company=company)
    response = agent_client.post(
        f"/tickets/{ticket.number}/coverage/", {"company": company.pk, "equipment": item.pk}
    )
    assert "Not covered by a contract" in response.content.decode()


def test_coverage_keeps_a_picked_contract_unless_the_registry_changed(
    agent_client: Client, ticket: Ticket, company: Company
) -> None:
    ended = timezone.localdate() - dt.timedelta(days=40)
    picked = ContractFactory(
        company=company, number="OLD-1", starts_on=ended - dt.timedelta(days=300), ends_on=ended
    )
    url = f"/tickets/{ticket.number}/coverage/"
    kept = agent_client.post(url, {"company": company.pk, "contract": picked.pk})
    assert "Covered by contract OLD-1" in kept.content.decode()
    reset = agent_client.post(url, {"company": company.pk, "contract": picked.pk, "auto": "1"})
    assert "Covered by contract OLD-1" not in reset.content.decode()


def test_coverage_of_a_ticket_the_user_cannot_see_is_404(ticket: Ticket, company: Company) -> None:
    outsider = Client()
    outsider.force_login(UserFactory(username="sub", role="contractor"))
    response = outsider.post(f"/tickets/{ticket.number}/coverage/", {"company": company.pk})
    assert response.status_code == 404


def test_form_values_round_trip_through_the_inputs() -> None:
    class Row:
        def __init__(self, code: str, field_type: str) -> None:
            self.code, self.name, self.field_type = code, code, field_type
            self.choices: list[str] = []
            self.required = False

    rows = [Row("when", "datetime"), Row("n", "number")]
    moscow = dt.timezone(dt.timedelta(hours=3))
    shown = custom_inputs(rows, {"when": "2026-12-05T06:30:00+00:00", "n": 2}, moscow)
    assert [i.value for i in shown] == ["2026-12-05T09:30", "2"]

    class Data(dict[str, Any]):
        def getlist(self, key: str) -> list[str]:
            return [self[key]] if key in self else []

    posted = Data(cf_shown="when,n", cf_when="2026-12-05T09:30", cf_n="2,5")
    assert custom_values_from_form(posted, rows, moscow) == {
        "when": "2026-12-05T09:30:00+03:00",
        "n": "2.5",
    }


def test_history_shows_observer_and_custom_field_changes_readably(
    agent_client: Client, ticket: Ticket, fields: dict[str, CustomField]
) -> None:
    watcher = UserFactory(username="watcher", role="agent", first_name="Wanda", last_name="W")
    _edit(agent_client, ticket, observers_shown="1", observers=[watcher.pk],
          cf_shown="serial", cf_serial="AB-1")  # fmt: skip
    response = agent_client.get(f"/tickets/{ticket.number}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Wanda" in body and "serial: AB-1" in body
