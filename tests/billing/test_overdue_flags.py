"""The overdue-invoice warning on a company's tickets: who is flagged (threshold days, global
or per company), the text, where staff see it, who never does, and one query per list page."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from deskline.billing.models import Invoice, InvoiceStatus
from deskline.billing.overdue import OverdueGroup, overdue_by_company
from deskline.billing.selectors import overdue_invoice_flags, overdue_invoices_for
from deskline.clients.flags import company_flags_for
from deskline.core.roles import Role
from tests.billing.factories import CompanyBillingFactory
from tests.factories import CompanyFactory, ContactFactory, ContactUserFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 4)
_numbers = itertools.count(1)


def _invoice(company: Any, *, days_late: int, total: str = "1000.00", paid: str = "0",
             status: str = InvoiceStatus.ISSUED, currency: str = "RUB") -> Invoice:  # fmt: skip
    return Invoice.objects.create(
        company=company, year=2026, number=next(_numbers), currency=currency, total=D(total),
        vat=D(0), paid=D(paid), status=status,
        due_on=timezone.localdate() - dt.timedelta(days=days_late),
    )  # fmt: skip


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_invoice_counts_only_when_late_by_more_than_the_threshold() -> None:
    groups = [OverdueGroup(1, "RUB", TODAY - dt.timedelta(days=10), None, 1, D("5.00")),
              OverdueGroup(2, "RUB", TODAY - dt.timedelta(days=11), None, 2, D("7.00"))]  # fmt: skip
    found = overdue_by_company(groups, today=TODAY, default_days=10)
    assert list(found) == [2] and found[2].count == 2 and found[2].unpaid == {"RUB": D("7.00")}


def test_the_company_threshold_overrides_the_global_one_and_negative_means_off() -> None:
    late = TODAY - dt.timedelta(days=3)
    groups = [OverdueGroup(1, "RUB", late, 30, 1, D(1)), OverdueGroup(2, "RUB", late, 0, 1, D(1)),
              OverdueGroup(3, "RUB", late, None, 1, D(1))]  # fmt: skip
    assert list(overdue_by_company(groups, today=TODAY, default_days=-1)) == [2]


def test_unpaid_rests_are_summed_per_currency() -> None:
    late = TODAY - dt.timedelta(days=40)
    groups = [OverdueGroup(1, "USD", late, None, 1, D("2.50")),
              OverdueGroup(1, "RUB", late, None, 1, D("10.00")),
              OverdueGroup(1, "RUB", late - dt.timedelta(days=1), None, 2, D("5.00"))]  # fmt: skip
    found = overdue_by_company(groups, today=TODAY, default_days=0)[1]
    assert found.count == 4 and found.unpaid == {"RUB": D("15.00"), "USD": D("2.50")}


def test_paid_cancelled_and_not_yet_due_invoices_are_not_overdue() -> None:
    company = CompanyFactory()
    _invoice(company, days_late=5, status=InvoiceStatus.PAID, paid="1000.00")
    _invoice(company, days_late=5, status=InvoiceStatus.CANCELLED)
    _invoice(company, days_late=0)
    _invoice(company, days_late=-3)
    assert overdue_invoices_for([company.pk]) == {}


def test_a_partly_paid_invoice_counts_its_unpaid_rest(settings: Any) -> None:
    settings.DESKLINE_FLAG_OVERDUE_DAYS = 0
    company = CompanyFactory()
    _invoice(company, days_late=2, total="1000.00", paid="400.00",
             status=InvoiceStatus.PARTIALLY_PAID)  # fmt: skip
    _invoice(company, days_late=9, total="250.50")
    found = overdue_invoices_for([company.pk])[company.pk]
    assert (found.count, found.unpaid) == (2, {"RUB": D("850.50")})


def test_the_company_setting_of_days_is_read_from_its_billing_row(settings: Any) -> None:
    settings.DESKLINE_FLAG_OVERDUE_DAYS = 0
    patient, strict = CompanyFactory(), CompanyFactory()
    CompanyBillingFactory(company=patient, overdue_flag_days=30)
    for company in (patient, strict):
        _invoice(company, days_late=10)
    assert set(overdue_invoices_for([patient.pk, strict.pk])) == {strict.pk}


def test_the_flag_says_how_many_invoices_and_the_total(settings: Any) -> None:
    settings.DESKLINE_FLAG_OVERDUE_DAYS = 0
    company = CompanyFactory()
    _invoice(company, days_late=3, total="1200.00")
    _invoice(company, days_late=4, total="34.50")
    flag = overdue_invoice_flags([company.pk])[company.pk]
    assert flag.code == "overdue_invoices"
    assert flag.text == "Company has overdue invoices: 2, total 1,234.50 RUB"


def test_contractors_and_client_contacts_get_no_flags(settings: Any) -> None:
    settings.DESKLINE_FLAG_OVERDUE_DAYS = 0
    company = CompanyFactory()
    _invoice(company, days_late=3)
    contractor = UserFactory(role=Role.CONTRACTOR)
    agent = UserFactory(role=Role.AGENT)
    assert company_flags_for(viewer=contractor, company_ids=[company.pk]) == {}
    assert list(company_flags_for(viewer=agent, company_ids=[company.pk])) == [company.pk]


def test_the_ticket_page_and_the_intake_form_show_the_flag_to_staff(
    settings: Any, admin: Any, make_ticket: Any
) -> None:
    settings.DESKLINE_FLAG_OVERDUE_DAYS = 0
    contact = ContactFactory()
    _invoice(contact.company, days_late=3)
    ticket = make_ticket(contact_id=contact.pk)
    client = _client(admin)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    intake = client.get(f"/tickets/new/?company={contact.company_id}").content.decode()
    for body in (page, intake):
        assert 'data-flag="overdue_invoices"' in body
        assert "Company has overdue invoices: 1" in body


def test_a_company_without_overdue_invoices_shows_no_flag(admin: Any, make_ticket: Any) -> None:
    contact = ContactFactory()
    _invoice(contact.company, days_late=-5)
    ticket = make_ticket(contact_id=contact.pk)
    assert (
        "overdue_invoices" not in _client(admin).get(f"/tickets/{ticket.number}/").content.decode()
    )


def test_the_portal_never_shows_the_flag_to_the_client(settings: Any, make_ticket: Any) -> None:
    settings.DESKLINE_FLAG_OVERDUE_DAYS = 0
    contact = ContactFactory(sees_company_tickets=True)
    CompanyBillingFactory(company=contact.company, sees_prices=True)
    _invoice(contact.company, days_late=30)
    ticket = make_ticket(contact_id=contact.pk)
    user = ContactUserFactory(username="flag-client", contact=contact)
    response = _client(user).get(f"/portal/tickets/{ticket.number}/")
    assert response.status_code == 200
    assert "overdue" not in response.content.decode().lower()


def test_the_ticket_list_flags_rows_with_one_query_for_the_whole_page(
    settings: Any, admin: Any, make_ticket: Any
) -> None:
    settings.DESKLINE_FLAG_OVERDUE_DAYS = 0
    client = _client(admin)

    def add_companies(n: int) -> None:
        for _ in range(n):
            contact = ContactFactory()
            _invoice(contact.company, days_late=5)
            make_ticket(contact_id=contact.pk)

    add_companies(1)
    client.get("/?view=all")  # the first page loads the cached reference rows
    with CaptureQueriesContext(connection) as few:
        client.get("/?view=all")
    add_companies(6)
    with CaptureQueriesContext(connection) as many:
        body = client.get("/?view=all").content.decode()
    assert body.count('data-flag="overdue_invoices"') == 7
    assert len(many) == len(few)
    assert sum("billing_invoice" in q["sql"] for q in many.captured_queries) == 1


def test_the_flag_is_in_russian_for_a_russian_page(settings: Any) -> None:
    settings.DESKLINE_FLAG_OVERDUE_DAYS = 0
    company = CompanyFactory()
    _invoice(company, days_late=3, total="10.00")
    with translation.override("ru"):
        text = overdue_invoice_flags([company.pk])[company.pk].text
    assert text.startswith("У компании просроченные счета: 1")
