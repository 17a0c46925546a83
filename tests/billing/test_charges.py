"""Charges on a ticket: price resolved and frozen when added, recomputed lines, events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from deskline.billing.models import BillingEvent, Charge, ChargeOrigin
from deskline.billing.services import charge_add, charge_remove, charge_update, price_set
from deskline.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.billing.factories import PriceFactory, PriceListFactory
from tests.factories import ContactUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_charge_takes_the_price_in_force_for_the_tickets_contract(
    admin: Any, hour: Any, billed: dict[str, Any]
) -> None:
    PriceFactory(item=hour, amount=D("1000.00"),
                 price_list=PriceListFactory(contract=billed["contract"],
                                             prices_include_vat=False))  # fmt: skip
    charge = charge_add(actor=admin, ticket_number=billed["ticket"].number, item_id=hour.pk,
                        quantity=D("1.5"))  # fmt: skip
    assert (charge.unit_price, charge.prices_include_vat) == (D("1000.00"), False)
    assert (charge.net, charge.vat, charge.total) == (D("1500.00"), D("300.00"), D("1800.00"))


def test_the_price_is_frozen_when_the_list_changes_later(
    admin: Any, hour: Any, billed: dict[str, Any]
) -> None:
    charge = charge_add(actor=admin, ticket_number=billed["ticket"].number, item_id=hour.pk,
                        quantity=D(1))  # fmt: skip
    price = hour.prices.get()
    price_set(actor=admin, price_list_id=price.price_list_id, item_id=hour.pk, amount=D(5000))
    charge.refresh_from_db()
    assert charge.unit_price == D("1200.00") and charge.total == D("1200.00")
    again = charge_update(actor=admin, ticket_number=billed["ticket"].number,
                          charge_id=charge.pk, changes={"quantity": D(2)})  # fmt: skip
    assert again.unit_price == D("1200.00") and again.total == D("2400.00")


def test_the_work_date_picks_the_list_valid_then(
    admin: Any, hour: Any, billed: dict[str, Any]
) -> None:
    PriceFactory(item=hour, amount=D("700.00"),
                 price_list=PriceListFactory(company=billed["company"],
                                             valid_from=dt.date(2025, 1, 1),
                                             valid_until=dt.date(2025, 12, 31)))  # fmt: skip
    args = {"actor": admin, "ticket_number": billed["ticket"].number, "item_id": hour.pk,
            "quantity": D(1)}  # fmt: skip
    assert charge_add(work_date=dt.date(2025, 12, 31), **args).unit_price == D("700.00")
    assert charge_add(work_date=dt.date(2026, 1, 1), **args).unit_price == D("1200.00")


def test_an_item_without_a_price_in_force_is_refused(admin: Any, billed: dict[str, Any]) -> None:
    from tests.billing.factories import CatalogItemFactory

    item = CatalogItemFactory()
    with pytest.raises(ValidationFailed):
        charge_add(actor=admin, ticket_number=billed["ticket"].number, item_id=item.pk,
                   quantity=D(1))  # fmt: skip


@pytest.mark.parametrize("field,value", [("quantity", D(0)), ("discount_percent", D(101))])
def test_invalid_lines_are_refused(
    admin: Any, hour: Any, billed: dict[str, Any], field: str, value: D
) -> None:
    values = {"quantity": D(1), "discount_percent": D(0), field: value}
    with pytest.raises(ValidationFailed):
        charge_add(actor=admin, ticket_number=billed["ticket"].number, item_id=hour.pk, **values)


def test_a_discount_lowers_the_line_before_vat(
    admin: Any, hour: Any, billed: dict[str, Any]
) -> None:
    charge = charge_add(actor=admin, ticket_number=billed["ticket"].number, item_id=hour.pk,
                        quantity=D(1), discount_percent=D(10))  # fmt: skip
    assert (charge.total, charge.vat, charge.net) == (D("1080.00"), D("180.00"), D("900.00"))


def test_every_money_change_is_an_event_with_before_and_after(
    admin: Any, hour: Any, billed: dict[str, Any]
) -> None:
    number = billed["ticket"].number
    charge = charge_add(actor=admin, ticket_number=number, item_id=hour.pk, quantity=D(1))
    charge_update(actor=admin, ticket_number=number, charge_id=charge.pk,
                  changes={"quantity": D(3)})  # fmt: skip
    charge_remove(actor=admin, ticket_number=number, charge_id=charge.pk)
    events = list(BillingEvent.objects.filter(subject=f"charge:{charge.pk}"))
    assert [e.kind for e in events] == ["charge_added", "charge_changed", "charge_removed"]
    assert events[0].before is None and events[0].after["total"] == "1200.00"
    assert events[1].before["total"] == "1200.00" and events[1].after["total"] == "3600.00"
    assert events[2].before["quantity"] == "3.000" and events[2].after is None
    assert all(e.ticket_id == billed["ticket"].pk and e.actor_id == admin.pk for e in events)


def test_a_price_change_is_an_event_with_the_old_price(admin: Any, hour: Any) -> None:
    price = hour.prices.get()
    price_set(actor=admin, price_list_id=price.price_list_id, item_id=hour.pk, amount=D(1500))
    event = BillingEvent.objects.get(kind="price_set")
    assert event.before["amount"] == "1200.00" and event.after["amount"] == "1500.00"


def test_a_client_may_not_add_charges(hour: Any, billed: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        charge_add(actor=billed["portal"], ticket_number=billed["ticket"].number,
                   item_id=hour.pk, quantity=D(1))  # fmt: skip


def test_staff_who_cannot_see_the_ticket_get_not_found(hour: Any, billed: dict[str, Any]) -> None:
    # The ticket has no team; a contractor sees only tickets of its teams.
    with pytest.raises(NotFound):
        charge_add(actor=UserFactory(role="contractor"), ticket_number=billed["ticket"].number,
                   item_id=hour.pk, quantity=D(1))  # fmt: skip


def test_an_automatic_source_is_charged_once(admin: Any, hour: Any, billed: dict[str, Any]) -> None:
    args = {"actor": admin, "ticket_number": billed["ticket"].number, "item_id": hour.pk,
            "quantity": D(1), "origin": ChargeOrigin.TIME_ENTRY, "origin_ref": "te-7"}  # fmt: skip
    charge_add(**args)
    with pytest.raises(Conflict):
        charge_add(**args)
    assert Charge.objects.count() == 1


def test_a_client_of_another_company_never_reaches_the_charges(
    hour: Any, billed: dict[str, Any], api_for: Any
) -> None:
    stranger = ContactUserFactory(username="x@b.example")
    response = api_for(stranger).get(f"tickets/{billed['ticket'].number}/charges")
    assert response.status_code == 404
