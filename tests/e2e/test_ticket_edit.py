"""Browser journey of issue 14, item 2: an agent changes what a ticket is about from the ticket
page, with the search boxes, and watches the coverage badge follow before saving."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.clients.models import Equipment
from tests.billing.factories import CatalogItemFactory
from tests.e2e.conftest import desk_login, shot
from tests.e2e.test_journeys import _seed
from tests.factories import ContractFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_agent_picks_equipment_and_sees_the_contract_that_covers_it(
    live_server: Any, page: Any
) -> None:
    data = _seed()
    ticket = data["tickets"][1]  # about the card terminal: no equipment named yet
    till = Equipment.objects.get(serial_number="KKT-000451")
    contract = ContractFactory(company=till.company, number="SRV-2026")
    contract.equipment.add(till)
    base = live_server.url
    desk_login(page, base, "agent")
    page.goto(f"{base}/tickets/{ticket.number}/")
    page.click("summary >> text=Edit fields")

    page.fill("input[name=equipment_name]", "KKT-000")
    page.click("#equipment-suggestions button >> text=KKT-000451")
    page.wait_for_selector("[data-coverage] >> text=Covered by contract SRV-2026")
    page.select_option("select[name=observers]", label="Alice Admin")
    shot(page, "desk-ticket-edit-1280")
    page.click("form.grid-form button[type=submit] >> text=Save")
    page.wait_for_selector("text=Ticket saved.")

    ticket.refresh_from_db()
    assert ticket.equipment_id == till.pk and ticket.contract_id == contract.pk
    assert list(ticket.observers.values_list("username", flat=True)) == ["admin"]


def test_the_ticket_page_fits_a_phone_with_its_panels(live_server: Any, phone_page: Any) -> None:
    data = _seed()
    base = live_server.url
    desk_login(phone_page, base, "agent")
    phone_page.goto(f"{base}/tickets/{data['tickets'][0].number}/")
    phone_page.locator("#work").wait_for()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_side_panels_hold_their_forms_at_1280_with_a_long_service_name(
    live_server: Any, page: Any
) -> None:
    data = _seed()
    CatalogItemFactory(name="Preventive maintenance of a refrigerated display case, two visits")
    base = live_server.url
    desk_login(page, base, "agent")
    page.goto(f"{base}/tickets/{data['tickets'][0].number}/")
    page.locator("#charges select[name=item_id]").wait_for()

    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.ticket-side .card')]
            .filter(card => [...card.querySelectorAll('select, input, button')].some(el => {
                const box = el.getBoundingClientRect(), edge = card.getBoundingClientRect();
                return box.width > 0 && (box.right > edge.right - 1 || box.left < edge.left);
            }))
            .map(card => card.id || card.querySelector('h2')?.textContent)"""
    )
    assert overflowing == []
