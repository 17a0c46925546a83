"""The batched monthly run gives exactly what billing each company on its own gives: the same
acts (numbers, totals, frozen documents with the work done), the same charges in them and the
same events; and a fixed number of statements per batch, not per company."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from deskline.billing import act_services
from deskline.billing.models import Act, BillingEvent, Charge, ItemKind
from deskline.billing.monthly_run import acts_monthly_run, companies_to_bill
from deskline.billing.services import charge_add
from tests.billing.factories import (
    CatalogItemFactory,
    CompanyBillingFactory,
    PriceFactory,
    PriceListFactory,
)
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)


class _Rollback(Exception):
    pass


def _add(admin: Any, ticket: Any, item: Any, qty: str, day: int) -> None:
    charge_add(actor=admin, ticket_number=ticket.number, item_id=item.pk, quantity=D(qty),
               work_date=NOV.replace(day=day))  # fmt: skip


def _with_work_done(admin: Any, billed: dict[str, Any]) -> None:
    """A finished visit with a ticked step and the client's signature on the ticket."""
    from deskline.fieldwork.models import ChecklistTemplate, EngineerProfile
    from deskline.fieldwork.services import checklist_add, checklist_tick
    from deskline.fieldwork.visits import visit_plan, visit_progress, visit_sign
    from tests.billing.test_act_pdf import PNG
    from tests.factories import SiteFactory

    ticket = billed["ticket"]
    site = SiteFactory(company=billed["company"], name="Склад")
    EngineerProfile.objects.create(user=admin)
    template = ChecklistTemplate.objects.create(name="ТО")
    template.items.create(order=1, text="Проверить компрессор")
    checklist_add(actor=admin, number=ticket.number, template_id=template.pk)
    start = dt.datetime(2026, 11, 9, 9, tzinfo=dt.UTC)
    visit = visit_plan(actor=admin, number=ticket.number, engineer_ids=[admin.pk], start=start,
                       end=start + dt.timedelta(hours=1), site_id=site.pk, force=True)  # fmt: skip
    visit_progress(actor=admin, visit_id=visit.pk, status="on_site")
    checklist_tick(actor=admin, number=ticket.number,
                   item_id=ticket.checklists.get().items.get().pk)  # fmt: skip
    visit_sign(actor=admin, visit_id=visit.pk, png=PNG, signed_by="Ольга")
    visit_progress(actor=admin, visit_id=visit.pk, status="done")


@pytest.fixture
def month(admin: Any, hour: Any, part: Any, billed: dict[str, Any], make_ticket: Any) -> None:
    """Four companies: one with work done and two tickets, one billed in RUB and EUR, one in
    English, one with nothing in November."""
    _with_work_done(admin, billed)
    _add(admin, billed["ticket"], hour, "1.5", 9)
    second = make_ticket(contact_id=billed["contact"].pk)
    _add(admin, second, part, "2", 3)
    _add(admin, billed["ticket"], part, "1", 3)
    two_currencies = ContactFactory()
    euro_item = CatalogItemFactory(kind=ItemKind.FIXED, code="AUDIT")
    PriceFactory(item=euro_item, amount=D("99.99"), price_list=PriceListFactory(
        company=two_currencies.company, currency="EUR", prices_include_vat=False))  # fmt: skip
    ticket = make_ticket(contact_id=two_currencies.pk)
    _add(admin, ticket, hour, "1", 20)
    _add(admin, ticket, euro_item, "3", 21)
    english = ContactFactory()
    CompanyBillingFactory(company=english.company, language="en", country="DE", vat_id="DE1")
    _add(admin, make_ticket(contact_id=english.pk), hour, "0.25", 30)
    elsewhere = ContactFactory()
    _add(admin, make_ticket(contact_id=elsewhere.pk), hour, "1", 1)
    Charge.objects.filter(ticket__contact=elsewhere).update(work_date=dt.date(2026, 12, 1))


def _outcome() -> dict[str, Any]:
    """What billing wrote, with act ids replaced by act numbers (ids differ between runs; a
    draft has no number, and PostgreSQL does not reuse the ids a rolled-back run took, so a
    draft is known by its company, currency and ticket)."""
    acts = {a.pk: a for a in Act.objects.all()}
    number = {
        pk: a.display_number if a.issued_at else f"draft {a.company_id}/{a.currency}/{a.ticket_id}"
        for pk, a in acts.items()
    }
    return {
        "acts": sorted(
            (
                number[a.pk],
                a.company_id,
                a.ticket_id,
                a.currency,
                a.language,
                a.status,
                a.period_start,
                a.period_end,
                a.net,
                a.vat,
                a.total,
                a.snapshot,
                a.issued_at is not None,
            )  # fmt: skip
            for a in acts.values()
        ),
        "charges": sorted(
            (c.pk, number[c.act_id] if c.act_id else None) for c in Charge.objects.all()
        ),  # fmt: skip
        "events": [
            (
                e.kind,
                number[int(e.subject.split(":")[1])],
                e.actor_id,
                e.ticket_id,
                e.company_id,
                e.before,
                e.after,
            )  # fmt: skip
            for e in BillingEvent.objects.filter(subject__startswith="act:").order_by("pk")
        ],
    }


def _one_company_at_a_time() -> dict[str, Any]:
    for company_id in companies_to_bill(2026, 11):
        for act in act_services.act_create_for_month(actor=None, company_id=company_id,
                                                     year=2026, month=11):  # fmt: skip
            with transaction.atomic():
                act_services._issue(act, actor=None)
    return _outcome()


def test_the_batched_run_issues_what_billing_one_company_at_a_time_issues(month: None) -> None:
    try:
        with transaction.atomic():
            expected = _one_company_at_a_time()
            raise _Rollback
    except _Rollback:
        pass
    assert Act.objects.count() == 0
    assert acts_monthly_run(year=2026, month=11, issue=True, batch_size=2) == {
        "companies": 3, "acts": 4}  # fmt: skip
    got = _outcome()
    assert len(got["acts"]) == 4 and any(a[11]["signature"] for a in got["acts"])
    assert got == expected


def test_drafting_without_issuing_matches_too(month: None) -> None:
    try:
        with transaction.atomic():
            for company_id in companies_to_bill(2026, 11):
                act_services.act_create_for_month(actor=None, company_id=company_id, year=2026,
                                                  month=11)  # fmt: skip
            expected = _outcome()
            raise _Rollback
    except _Rollback:
        pass
    acts_monthly_run(year=2026, month=11, batch_size=3)
    assert _outcome() == expected


def test_a_batch_costs_the_same_statements_however_many_companies_it_holds(
    admin: Any, hour: Any, make_ticket: Any
) -> None:
    def companies(n: int) -> None:
        for _ in range(n):
            ticket = make_ticket(contact_id=ContactFactory().pk)
            _add(admin, ticket, hour, "1", 5)
            _add(admin, ticket, hour, "2", 6)

    companies(1)
    acts_monthly_run(year=2026, month=11, issue=True)  # creates the year's counter row
    companies(1)
    with CaptureQueriesContext(connection) as one:
        acts_monthly_run(year=2026, month=11, issue=True)
    companies(8)
    with CaptureQueriesContext(connection) as eight:
        assert acts_monthly_run(year=2026, month=11, issue=True)["acts"] == 8
    assert len(eight) == len(one)
