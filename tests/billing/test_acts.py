"""Acts: drafting from a ticket or a month, issuing with numbers without gaps, cancelling."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from deskline.billing.act_services import (
    act_cancel,
    act_create_for_month,
    act_create_for_ticket,
    act_issue,
    act_sign,
)
from deskline.billing.models import Act, ActStatus, BillingEvent, Charge
from deskline.billing.monthly_run import acts_monthly_run
from deskline.billing.services import charge_add, charge_remove, price_set
from deskline.core.errors import PermissionDenied, ValidationFailed
from tests.billing.factories import PriceFactory, PriceListFactory
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def _charge(admin: Any, ticket: Any, item: Any, qty: str = "1", **kw: Any) -> Charge:
    return charge_add(actor=admin, ticket_number=ticket.number, item_id=item.pk,
                      quantity=D(qty), **kw)  # fmt: skip


def test_a_ticket_act_takes_its_unbilled_charges_and_sums_the_rounded_lines(
    admin: Any, hour: Any, part: Any, billed: dict[str, Any]
) -> None:
    ticket = billed["ticket"]
    _charge(admin, ticket, hour, "1.5")
    _charge(admin, ticket, part, "1")
    act = act_create_for_ticket(actor=admin, ticket_number=ticket.number)
    assert act.status == ActStatus.DRAFT and act.number is None
    assert (act.total, act.vat, act.net) == (D("10800.00"), D("1800.00"), D("9000.00"))
    assert act.charges.count() == 2
    with pytest.raises(ValidationFailed):  # nothing left to bill
        act_create_for_ticket(actor=admin, ticket_number=ticket.number)


def test_issuing_numbers_acts_in_order_within_the_year(
    admin: Any, hour: Any, billed: dict[str, Any], make_ticket: Any
) -> None:
    numbers = []
    for _ in range(3):
        ticket = make_ticket(contact_id=billed["contact"].pk)
        _charge(admin, ticket, hour)
        act = act_issue(actor=admin, act_id=act_create_for_ticket(
            actor=admin, ticket_number=ticket.number).pk)  # fmt: skip
        numbers.append((act.year, act.number))
    year = timezone.localdate().year
    assert numbers == [(year, 1), (year, 2), (year, 3)]
    assert Act.objects.get(number=2).display_number == f"{year}-00002"


def test_a_draft_is_not_numbered_so_discarding_it_leaves_no_gap(
    admin: Any, hour: Any, billed: dict[str, Any], make_ticket: Any
) -> None:
    ticket = billed["ticket"]
    _charge(admin, ticket, hour)
    draft = act_create_for_ticket(actor=admin, ticket_number=ticket.number)
    assert act_cancel(actor=admin, act_id=draft.pk) is None
    assert not Act.objects.filter(pk=draft.pk).exists()
    again = act_create_for_ticket(actor=admin, ticket_number=ticket.number)
    assert act_issue(actor=admin, act_id=again.pk).number == 1


def test_a_cancelled_act_keeps_its_number_and_frees_its_charges(
    admin: Any, hour: Any, billed: dict[str, Any]
) -> None:
    ticket = billed["ticket"]
    _charge(admin, ticket, hour)
    act = act_issue(actor=admin, act_id=act_create_for_ticket(
        actor=admin, ticket_number=ticket.number).pk)  # fmt: skip
    cancelled = act_cancel(actor=admin, act_id=act.pk)
    assert cancelled is not None and cancelled.status == ActStatus.CANCELLED
    assert cancelled.number == 1 and cancelled.snapshot["total"] == "1200.00"
    reissued = act_issue(actor=admin, act_id=act_create_for_ticket(
        actor=admin, ticket_number=ticket.number).pk)  # fmt: skip
    assert reissued.number == 2


def test_a_charge_in_an_act_is_locked(admin: Any, hour: Any, billed: dict[str, Any]) -> None:
    charge = _charge(admin, billed["ticket"], hour)
    act_create_for_ticket(actor=admin, ticket_number=billed["ticket"].number)
    with pytest.raises(ValidationFailed):
        charge_remove(actor=admin, ticket_number=billed["ticket"].number, charge_id=charge.pk)


def test_an_issued_act_prints_its_frozen_lines_after_prices_and_requisites_change(
    admin: Any, hour: Any, billed: dict[str, Any]
) -> None:
    _charge(admin, billed["ticket"], hour)
    act = act_issue(actor=admin, act_id=act_create_for_ticket(
        actor=admin, ticket_number=billed["ticket"].number).pk)  # fmt: skip
    price = hour.prices.get()
    price_set(actor=admin, price_list_id=price.price_list_id, item_id=hour.pk, amount=D(1))
    billed["company"].billing.legal_name = "Renamed"
    billed["company"].billing.save()
    act.refresh_from_db()
    assert act.snapshot["lines"][0]["unit_price"] == "1200.00"
    assert act.snapshot["client"]["legal_name"] != "Renamed"


def test_only_an_issued_act_is_signed(admin: Any, hour: Any, billed: dict[str, Any]) -> None:
    _charge(admin, billed["ticket"], hour)
    draft = act_create_for_ticket(actor=admin, ticket_number=billed["ticket"].number)
    with pytest.raises(ValidationFailed):
        act_sign(actor=admin, act_id=draft.pk)
    act_issue(actor=admin, act_id=draft.pk)
    assert act_sign(actor=admin, act_id=draft.pk).status == ActStatus.SIGNED


def test_charges_in_two_currencies_need_a_choice_and_make_two_acts(
    admin: Any, billed: dict[str, Any]
) -> None:
    from tests.billing.factories import CatalogItemFactory

    euro_item = CatalogItemFactory()
    PriceFactory(item=euro_item, amount=D(10), price_list=PriceListFactory(currency="EUR"))
    rub_item = CatalogItemFactory()
    PriceFactory(item=rub_item, amount=D(100))
    _charge(admin, billed["ticket"], euro_item)
    _charge(admin, billed["ticket"], rub_item)
    with pytest.raises(ValidationFailed):
        act_create_for_ticket(actor=admin, ticket_number=billed["ticket"].number)
    eur = act_create_for_ticket(actor=admin, ticket_number=billed["ticket"].number,
                                currency="EUR")  # fmt: skip
    rub = act_create_for_ticket(actor=admin, ticket_number=billed["ticket"].number)
    assert (eur.currency, eur.total, rub.currency, rub.total) == ("EUR", D(10), "RUB", D(100))


def test_act_changes_are_events_with_before_and_after(
    admin: Any, hour: Any, billed: dict[str, Any]
) -> None:
    _charge(admin, billed["ticket"], hour)
    act = act_create_for_ticket(actor=admin, ticket_number=billed["ticket"].number)
    act_issue(actor=admin, act_id=act.pk)
    act_cancel(actor=admin, act_id=act.pk)
    events = list(BillingEvent.objects.filter(subject=f"act:{act.pk}"))
    assert [e.kind for e in events] == ["act_drafted", "act_issued", "act_cancelled"]
    assert events[1].before["status"] == "draft" and events[1].after["number"] is not None
    assert events[2].after["status"] == "cancelled"


def test_agents_issue_but_do_not_cancel_contractors_do_neither(
    admin: Any, hour: Any, billed: dict[str, Any]
) -> None:
    _charge(admin, billed["ticket"], hour)
    act = act_create_for_ticket(actor=admin, ticket_number=billed["ticket"].number)
    agent = UserFactory(role="agent")  # sees the unrouted ticket
    assert act_issue(actor=agent, act_id=act.pk).status == ActStatus.ISSUED
    with pytest.raises(PermissionDenied):
        act_cancel(actor=agent, act_id=act.pk)
    with pytest.raises(PermissionDenied):
        act_sign(actor=UserFactory(role="contractor"), act_id=act.pk)


def _month_world(admin: Any, hour: Any, make_ticket: Any, companies: int) -> list[Any]:
    contacts = [ContactFactory() for _ in range(companies)]
    for contact in contacts:
        ticket = make_ticket(contact_id=contact.pk)
        _charge(admin, ticket, hour, work_date=dt.date(2026, 10, 31))
        _charge(admin, ticket, hour, "2", work_date=dt.date(2026, 11, 1))
        _charge(admin, ticket, hour, work_date=dt.date(2026, 11, 30))
        _charge(admin, ticket, hour, work_date=dt.date(2026, 12, 1))
    return [c.company for c in contacts]


def test_a_monthly_act_takes_only_the_months_charges(
    admin: Any, hour: Any, make_ticket: Any
) -> None:
    (company,) = _month_world(admin, hour, make_ticket, 1)
    (act,) = act_create_for_month(actor=admin, company_id=company.pk, year=2026, month=11)
    assert (act.period_start, act.period_end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert act.charges.count() == 2 and act.total == D("3600.00")


def test_the_monthly_run_drafts_one_act_per_company_and_can_run_twice(
    admin: Any, hour: Any, make_ticket: Any
) -> None:
    companies = _month_world(admin, hour, make_ticket, 3)
    assert acts_monthly_run(year=2026, month=11) == {"companies": 3, "acts": 3}
    assert acts_monthly_run(year=2026, month=11) == {"companies": 0, "acts": 0}
    assert set(Act.objects.values_list("company_id", flat=True)) == {c.pk for c in companies}


def test_the_monthly_command_issues_the_acts(admin: Any, hour: Any, make_ticket: Any) -> None:
    _month_world(admin, hour, make_ticket, 2)
    call_command("billing_monthly_acts", "--month", "2026-11", "--issue")
    assert sorted(Act.objects.values_list("number", flat=True)) == [1, 2]
    assert set(Act.objects.values_list("status", flat=True)) == {ActStatus.ISSUED}


def test_the_monthly_command_writes_each_acts_pdf(
    admin: Any, hour: Any, make_ticket: Any, tmp_path: Any
) -> None:
    _month_world(admin, hour, make_ticket, 2)
    call_command("billing_monthly_acts", "--month", "2026-11", "--issue",
                 "--pdf-dir", str(tmp_path))  # fmt: skip
    files = sorted(p.name for p in tmp_path.iterdir())
    year = timezone.localdate().year
    assert files == [f"act-{year}-00001.pdf", f"act-{year}-00002.pdf"]
    assert (tmp_path / files[0]).read_bytes().startswith(b"%PDF")
