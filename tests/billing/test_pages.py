"""Desk pages (charges panel with htmx, acts list and page) and the portal's acts."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from deskline.billing.act_services import act_create_for_ticket, act_issue
from deskline.billing.models import Act, ActStatus, Charge, CompanyBilling
from deskline.billing.services import charge_add
from tests.billing.factories import CompanyBillingFactory
from tests.factories import ContactFactory, ContactUserFactory, UserFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_ticket_page_loads_the_charges_panel(client: Any, billed: dict[str, Any]) -> None:
    client.force_login(UserFactory(role="agent"))
    page = client.get(f"/tickets/{billed['ticket'].number}/").content.decode()
    assert f'hx-get="/billing/tickets/{billed["ticket"].number}/charges/"' in page


def test_an_agent_adds_a_line_with_htmx_and_sees_the_total(
    client: Any, part: Any, billed: dict[str, Any]
) -> None:
    client.force_login(UserFactory(role="agent"))
    url = f"/billing/tickets/{billed['ticket'].number}/charges/"
    response = client.post(url, {"item_id": part.pk, "quantity": "2"}, **HTMX)
    assert response.status_code == 200
    assert "18000.00 RUB" in response.content.decode()
    assert Charge.objects.get().quantity == D(2)


def test_a_bad_quantity_shows_the_services_message(
    client: Any, part: Any, billed: dict[str, Any]
) -> None:
    client.force_login(UserFactory(role="agent"))
    url = f"/billing/tickets/{billed['ticket'].number}/charges/"
    response = client.post(url, {"item_id": part.pk, "quantity": "abc"}, **HTMX)
    assert response.status_code == 422 and "quantity" in response.content.decode()
    assert not Charge.objects.exists()


def test_drafting_an_act_from_the_panel_goes_to_the_act_page(
    client: Any, admin: Any, part: Any, billed: dict[str, Any]
) -> None:
    charge_add(actor=admin, ticket_number=billed["ticket"].number, item_id=part.pk,
               quantity=D(1))  # fmt: skip
    client.force_login(admin)
    response = client.post(f"/billing/tickets/{billed['ticket'].number}/act/", **HTMX)
    act = Act.objects.get()
    assert response.status_code == 204 and response["HX-Redirect"] == f"/billing/acts/{act.pk}/"
    page = client.get(f"/billing/acts/{act.pk}/").content.decode()
    assert "Фискальный накопитель" in page and "9000.00" in page  # the act's language


def test_issue_cancel_and_pdf_from_the_act_page(
    client: Any, admin: Any, hour: Any, billed: dict[str, Any]
) -> None:
    charge_add(actor=admin, ticket_number=billed["ticket"].number, item_id=hour.pk,
               quantity=D(1))  # fmt: skip
    act = act_create_for_ticket(actor=admin, ticket_number=billed["ticket"].number)
    client.force_login(admin)
    assert client.post(f"/billing/acts/{act.pk}/issue/").status_code == 302
    act.refresh_from_db()
    assert act.status == ActStatus.ISSUED
    listed = client.get("/billing/acts/").content.decode()
    assert act.display_number in listed
    pdf = client.get(f"/billing/acts/{act.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.post(f"/billing/acts/{act.pk}/cancel/").status_code == 302
    act.refresh_from_db()
    assert act.status == ActStatus.CANCELLED


def test_a_second_issue_shows_the_error_on_the_act_page(
    client: Any, admin: Any, hour: Any, billed: dict[str, Any]
) -> None:
    charge_add(actor=admin, ticket_number=billed["ticket"].number, item_id=hour.pk,
               quantity=D(1))  # fmt: skip
    act = act_issue(actor=admin, act_id=act_create_for_ticket(
        actor=admin, ticket_number=billed["ticket"].number).pk)  # fmt: skip
    client.force_login(admin)
    response = client.post(f"/billing/acts/{act.pk}/issue/")
    assert response.status_code == 422 and "not a draft" in response.content.decode()


@pytest.fixture
def issued(admin: Any, hour: Any, billed: dict[str, Any]) -> Act:
    charge_add(actor=admin, ticket_number=billed["ticket"].number, item_id=hour.pk,
               quantity=D(1))  # fmt: skip
    act = act_create_for_ticket(actor=admin, ticket_number=billed["ticket"].number)
    return act_issue(actor=admin, act_id=act.pk)


def test_a_client_lists_and_downloads_own_companys_acts_in_the_portal(
    client: Any, issued: Act, billed: dict[str, Any]
) -> None:
    client.force_login(billed["portal"])
    page = client.get("/portal/acts/").content.decode()
    assert issued.display_number in page and "1200.00 RUB" in page
    pdf = client.get(f"/portal/acts/{issued.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_client_of_another_company_never_downloads_the_act(client: Any, issued: Act) -> None:
    other = ContactFactory(sees_company_tickets=True)
    CompanyBillingFactory(company=other.company, sees_prices=True)
    client.force_login(ContactUserFactory(username="b@b.example", contact=other))
    assert issued.display_number not in client.get("/portal/acts/").content.decode()
    assert client.get(f"/portal/acts/{issued.pk}/pdf/").status_code == 404


def test_a_client_whose_company_hides_prices_sees_no_acts(
    client: Any, issued: Act, billed: dict[str, Any]
) -> None:
    CompanyBilling.objects.filter(company=billed["company"]).update(sees_prices=False)
    client.force_login(billed["portal"])
    page = client.get("/portal/acts/").content.decode()
    assert issued.display_number not in page and "not shown" in page
    assert client.get(f"/portal/acts/{issued.pk}/pdf/").status_code == 404


def test_clients_are_sent_from_desk_billing_pages_to_the_portal(
    client: Any, issued: Act, billed: dict[str, Any]
) -> None:
    client.force_login(billed["portal"])
    for url in ("/billing/acts/", f"/billing/acts/{issued.pk}/",
                f"/billing/acts/{issued.pk}/pdf/",
                f"/billing/tickets/{billed['ticket'].number}/charges/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/portal/", url


def test_an_admin_invoices_an_act_and_records_a_payment_by_hand(
    client: Any, admin: Any, issued: Act
) -> None:
    from deskline.billing.models import Invoice

    client.force_login(admin)
    page = client.get("/billing/invoices/").content.decode()
    assert issued.display_number in page
    assert client.post("/billing/invoices/new/", {"act_ids": [issued.pk]}).status_code == 302
    invoice = Invoice.objects.get()
    url = f"/billing/invoices/{invoice.pk}/payments/"
    assert client.post(url, {"amount": "1200.00"}).status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.payments.get().source == "manual"
    bad = client.post(url, {"amount": "abc"})
    assert "error=" in bad["Location"]


def test_agents_get_no_invoices_page(client: Any, issued: Act) -> None:
    client.force_login(UserFactory(role="agent"))
    assert client.get("/billing/invoices/").status_code == 403
    assert client.post("/billing/invoices/new/", {"act_ids": [issued.pk]}).status_code == 302
    from deskline.billing.models import Invoice

    assert not Invoice.objects.exists()


def test_the_portal_lists_the_companys_invoices(
    client: Any, admin: Any, issued: Act, billed: dict[str, Any]
) -> None:
    from deskline.billing.invoice_services import invoice_create

    invoice = invoice_create(actor=admin, act_ids=[issued.pk])
    client.force_login(billed["portal"])
    assert invoice.display_number in client.get("/portal/acts/").content.decode()


def test_the_portal_ticket_page_shows_charges_only_when_the_company_sees_prices(
    client: Any, admin: Any, part: Any, billed: dict[str, Any]
) -> None:
    number = billed["ticket"].number
    charge_add(actor=admin, ticket_number=number, item_id=part.pk, quantity=D(1))
    client.force_login(billed["portal"])
    assert f'hx-get="/portal/acts/charges/{number}/"' in client.get(
        f"/portal/tickets/{number}/").content.decode()  # fmt: skip
    assert "9000.00 RUB" in client.get(f"/portal/acts/charges/{number}/").content.decode()
    CompanyBilling.objects.filter(company=billed["company"]).update(sees_prices=False)
    hidden = client.get(f"/portal/acts/charges/{number}/")
    assert hidden.status_code == 200 and hidden.content == b""


def test_another_companys_client_gets_no_charges_fragment(
    client: Any, admin: Any, part: Any, billed: dict[str, Any]
) -> None:
    other = ContactFactory(sees_company_tickets=True)
    CompanyBillingFactory(company=other.company, sees_prices=True)
    client.force_login(ContactUserFactory(username="b@b.example", contact=other))
    assert client.get(f"/portal/acts/charges/{billed['ticket'].number}/").status_code == 404


def test_the_portal_shows_the_contracts_hours_used_this_month(
    client: Any, admin: Any, hour: Any, billed: dict[str, Any]
) -> None:
    contract = billed["contract"]
    contract.included_hours = D(10)
    contract.save()
    charge_add(actor=admin, ticket_number=billed["ticket"].number, item_id=hour.pk,
               quantity=D("2.5"))  # fmt: skip
    client.force_login(billed["portal"])
    page = client.get("/portal/acts/").content.decode()
    assert f"Contract {contract.number}: 2.5 of 10 included hours used this month" in page
