"""Invoices from acts, payments by hand, API and webhook, balance, and the accounting export."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from deskline.billing.act_services import act_create_for_ticket, act_issue
from deskline.billing.invoice_services import invoice_cancel, invoice_create, payment_record
from deskline.billing.models import Act, BillingEvent, InvoiceStatus, Payment
from deskline.billing.services import charge_add
from deskline.core.errors import PermissionDenied, ValidationFailed
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db
SECRET = "bill-secret-1"


def _act(admin: Any, make_ticket: Any, contact: Any, item: Any, qty: str = "1") -> Act:
    ticket = make_ticket(contact_id=contact.pk)
    charge_add(actor=admin, ticket_number=ticket.number, item_id=item.pk, quantity=D(qty))
    act = act_create_for_ticket(actor=admin, ticket_number=ticket.number)
    return act_issue(actor=admin, act_id=act.pk)


@pytest.fixture
def two_acts(admin: Any, hour: Any, billed: dict[str, Any], make_ticket: Any) -> list[Act]:
    return [_act(admin, make_ticket, billed["contact"], hour, q) for q in ("1", "2")]


def test_an_invoice_sums_its_acts_and_is_numbered(admin: Any, two_acts: list[Act]) -> None:
    invoice = invoice_create(actor=admin, act_ids=[a.pk for a in two_acts])
    assert (invoice.total, invoice.vat, invoice.status) == (D("3600.00"), D("600.00"), "issued")
    assert invoice.display_number == f"INV-{timezone.localdate().year}-00001"


def test_an_act_is_invoiced_once_until_the_invoice_is_cancelled(
    admin: Any, two_acts: list[Act]
) -> None:
    first = invoice_create(actor=admin, act_ids=[two_acts[0].pk])
    with pytest.raises(ValidationFailed):
        invoice_create(actor=admin, act_ids=[two_acts[0].pk])
    invoice_cancel(actor=admin, invoice_id=first.pk)
    assert invoice_create(actor=admin, act_ids=[two_acts[0].pk]).number == 2


def test_drafts_and_acts_of_two_companies_are_not_invoiced(
    admin: Any, hour: Any, two_acts: list[Act], make_ticket: Any
) -> None:
    other = _act(admin, make_ticket, ContactFactory(), hour)
    with pytest.raises(ValidationFailed):
        invoice_create(actor=admin, act_ids=[two_acts[0].pk, other.pk])


def test_payments_move_the_status_partially_then_paid(admin: Any, two_acts: list[Act]) -> None:
    invoice = invoice_create(actor=admin, act_ids=[a.pk for a in two_acts])
    payment_record(actor=admin, invoice_id=invoice.pk, amount=D("1000.00"))
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid) == (InvoiceStatus.PARTIALLY_PAID, D("1000.00"))
    payment_record(actor=admin, invoice_id=invoice.pk, amount=D("2600.00"))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    events = BillingEvent.objects.filter(kind="payment_recorded").order_by("pk")
    assert [e.before["status"] for e in events] == ["issued", "partially_paid"]
    assert [e.after["paid"] for e in events] == ["1000.00", "3600.00"]


def test_agents_do_not_invoice(two_acts: list[Act]) -> None:
    with pytest.raises(PermissionDenied):
        invoice_create(actor=UserFactory(role="agent"), act_ids=[two_acts[0].pk])


def test_the_webhook_records_a_payment_once_and_needs_its_secret(
    admin: Any, two_acts: list[Act], client: Any, settings: Any
) -> None:
    settings.DESKLINE_BILLING_WEBHOOK_SECRET = SECRET
    invoice = invoice_create(actor=admin, act_ids=[two_acts[0].pk])
    body = {"invoice_number": invoice.display_number, "status": "paid", "amount": "1200.00",
            "payment_id": "1C-778"}  # fmt: skip
    url = "/api/v1/billing/payments/webhook"
    for _ in range(2):
        response = client.post(url, body, content_type="application/json",
                               HTTP_X_BILLING_TOKEN=SECRET)  # fmt: skip
        assert response.status_code == 202 and response.json()["status"] == "paid"
    assert Payment.objects.count() == 1
    wrong = client.post(url, body, content_type="application/json", HTTP_X_BILLING_TOKEN="x")
    assert wrong.status_code == 401


def test_the_webhook_is_off_without_a_secret(admin: Any, two_acts: list[Act], client: Any) -> None:
    invoice = invoice_create(actor=admin, act_ids=[two_acts[0].pk])
    body = {"invoice_number": invoice.display_number, "status": "paid", "amount": "1.00",
            "payment_id": "p"}  # fmt: skip
    response = client.post("/api/v1/billing/payments/webhook", body,
                           content_type="application/json", HTTP_X_BILLING_TOKEN="")  # fmt: skip
    assert response.status_code == 401


def test_the_balance_shows_due_and_overdue(
    admin: Any, two_acts: list[Act], billed: dict[str, Any], admin_api: Any
) -> None:
    past = timezone.localdate() - timezone.timedelta(days=1)
    late = invoice_create(actor=admin, act_ids=[two_acts[0].pk], due_on=past)
    invoice_create(actor=admin, act_ids=[two_acts[1].pk])
    payment_record(actor=admin, invoice_id=late.pk, amount=D("200.00"))
    (row,) = admin_api.get(f"companies/{billed['company'].pk}/balance").json()
    assert row == {"currency": "RUB", "invoiced": "3600.00", "paid": "200.00",
                   "due": "3400.00", "overdue": "1000.00"}  # fmt: skip


def test_the_company_page_shows_the_balance_to_those_who_handle_invoices(
    admin: Any, two_acts: list[Act], billed: dict[str, Any], client: Any
) -> None:
    past = timezone.localdate() - timezone.timedelta(days=1)
    late = invoice_create(actor=admin, act_ids=[two_acts[0].pk], due_on=past)
    payment_record(actor=admin, invoice_id=late.pk, amount=D("200.00"))
    company = billed["company"].pk
    client.force_login(admin)
    page = client.get(f"/companies/{company}/").content.decode()
    assert f'hx-get="/billing/companies/{company}/balance/"' in page
    panel = client.get(f"/billing/companies/{company}/balance/").content.decode()
    assert '<tr class="balance-row" data-currency="RUB">' in panel
    assert "<strong>1000.00</strong>" in panel and 'badge-danger">1000.00<' in panel
    client.force_login(UserFactory(role="agent"))
    assert "/balance/" not in client.get(f"/companies/{company}/").content.decode()


def test_the_api_invoices_and_takes_payments(two_acts: list[Act], admin_api: Any) -> None:
    created = admin_api.post("invoices", {"act_ids": [two_acts[0].pk]})
    assert created.status_code == 201 and created.json()["act_ids"] == [two_acts[0].pk]
    invoice_id = created.json()["id"]
    paid = admin_api.post(f"invoices/{invoice_id}/payments", {"amount": "1200.00"})
    assert paid.status_code == 201 and paid.json()["status"] == "paid"
    assert [p["source"] for p in admin_api.get(f"invoices/{invoice_id}/payments").json()] == ["api"]


def test_clients_see_their_companys_invoices_only(
    admin: Any, two_acts: list[Act], billed: dict[str, Any], api_for: Any, hour: Any,
    make_ticket: Any,
) -> None:  # fmt: skip
    mine = invoice_create(actor=admin, act_ids=[two_acts[0].pk])
    theirs = invoice_create(actor=admin, act_ids=[_act(admin, make_ticket, ContactFactory(),
                                                       hour).pk])  # fmt: skip
    client = api_for(billed["portal"])
    assert [i["id"] for i in client.get("invoices").json()] == [mine.pk]
    assert client.get(f"invoices/{theirs.pk}").status_code == 404
    assert client.post(f"invoices/{mine.pk}/payments", {"amount": "1.00"}).status_code == 403


def test_the_acts_export_has_a_row_per_line_in_csv_and_xlsx(
    admin: Any, two_acts: list[Act], admin_api: Any
) -> None:
    today = timezone.localdate().isoformat()
    params = {"start": today, "end": today}
    text = admin_api.get("billing/export/acts", params).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["number"], r["line"], r["total"]) for r in rows] == [
        (two_acts[0].display_number, "1", "1200.00"), (two_acts[1].display_number, "1", "2400.00")]  # fmt: skip
    assert rows[0]["kpp"] == "770101001" and rows[0]["document_total"] == "1200.00"
    xlsx = admin_api.get("billing/export/acts", {**params, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3 and sheet.cell(1, 1).value == "document"


def test_the_invoices_export_lists_each_invoice_with_its_acts(
    admin: Any, two_acts: list[Act], admin_api: Any, api_for: Any
) -> None:
    invoice = invoice_create(actor=admin, act_ids=[a.pk for a in two_acts])
    today = timezone.localdate().isoformat()
    text = admin_api.get("billing/export/invoices", {"start": today, "end": today}).content
    (row,) = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert row["number"] == invoice.display_number and row["total"] == "3600.00"
    assert row["acts"] == " ".join(a.display_number for a in two_acts)
    agent = api_for(UserFactory(role="agent"))
    assert agent.get("billing/export/invoices", {"start": today, "end": today}).status_code == 403
