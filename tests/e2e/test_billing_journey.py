"""The billing journey in a real browser: the engineer adds a part from the phone, the agent
drafts and issues the act, the client sees it in the portal and downloads its PDF."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from deskline.accounts.models import Role
from deskline.billing.models import Act, ActStatus, CatalogItem, CompanyBilling, Price, PriceList
from deskline.tickets.services import ticket_create
from tests.e2e.conftest import desk_login, portal_login
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    ContactFactory,
    ContactUserFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_engineer_adds_a_part_agent_issues_the_act_client_downloads_it(
    live_server: Any, page: Any, phone_page: Any, browser: Any
) -> None:
    admin = AdminFactory(username="admin")
    engineer = UserFactory(username="engineer", role=Role.AGENT)
    agent = UserFactory(username="agent", role=Role.AGENT)
    team = TeamFactory(name="Field engineers", members=[engineer, agent])
    company = CompanyFactory(name="Acme Retail")
    CompanyBilling.objects.create(company=company, sees_prices=True, language="ru")
    contact = ContactFactory(company=company, email="carl@acme.example", sees_company_tickets=True)
    ContactUserFactory(username="carl", email="carl@acme.example", contact=contact)
    part = CatalogItem.objects.create(kind="material", code="FN-36", name="Fiscal drive",
                                      name_ru="Фискальный накопитель", vat_rate=Decimal(20))  # fmt: skip
    price_list = PriceList.objects.create(name="Default", valid_from="2020-01-01")
    Price.objects.create(price_list=price_list, item=part, amount=Decimal("9000.00"))
    ticket = ticket_create(actor=admin, title="Fiscal drive full", contact_id=contact.pk,
                           team_id=team.pk)  # fmt: skip
    base = live_server.url

    desk_login(phone_page, base, "engineer")
    phone_page.goto(f"{base}/tickets/{ticket.number}/")
    panel = phone_page.locator("#charges")
    panel.locator("select[name=item_id]").select_option(label="FN-36 · Fiscal drive")
    panel.locator("input[name=quantity]").fill("1")
    panel.get_by_role("button", name="Add").click()
    phone_page.wait_for_selector("#charges .charge-row")
    assert "9000.00 RUB" in panel.inner_text()

    desk_login(page, base, "agent")
    page.goto(f"{base}/tickets/{ticket.number}/")
    page.locator("#charges").get_by_role("button", name="Draft an act").click()
    page.wait_for_url(f"{base}/billing/acts/*/")
    page.get_by_role("button", name="Issue").click()
    page.wait_for_selector("text=Mark signed")
    act = Act.objects.get()
    assert act.status == ActStatus.ISSUED and act.total == Decimal("9000.00")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    client = context.new_page()
    portal_login(client, base, "carl@acme.example")
    client.goto(f"{base}/portal/acts/")
    assert act.display_number in client.inner_text("table.acts")
    with client.expect_download() as download:
        client.get_by_role("link", name="Download PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    context.close()
