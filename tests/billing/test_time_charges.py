"""Billable time becomes a charge of the item that charges its kind, once per time entry."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from deskline.billing.models import CatalogItem, Charge
from deskline.billing.time_charges import hours_of
from deskline.fieldwork.services import time_entry_add


def test_hours_round_half_up_to_hundredths() -> None:
    assert hours_of(50) == Decimal("0.83") and hours_of(90) == Decimal("1.50")


def test_billable_on_site_time_is_charged_once(
    billed: dict[str, Any], hour: CatalogItem, admin: Any, dispatch: Any
) -> None:
    hour.bills_time_kind = "on_site"
    hour.save()
    number = billed["ticket"].number
    time_entry_add(actor=admin, number=number, minutes=90, kind="on_site", comment="Replaced fan")
    time_entry_add(actor=admin, number=number, minutes=30, kind="on_site", billable=False)
    time_entry_add(actor=admin, number=number, minutes=20, kind="remote")  # no item charges it
    dispatch()
    dispatch()  # a second round (a redelivery) adds nothing
    (charge,) = Charge.objects.filter(ticket=billed["ticket"])
    assert charge.item == hour and charge.quantity == Decimal("1.50")
    assert charge.origin == "time_entry" and charge.description == "Replaced fan"
    assert charge.unit_price == Decimal("1200.00")


def test_a_ticket_without_a_company_is_not_charged(
    hour: CatalogItem, admin: Any, make_ticket: Any, dispatch: Any
) -> None:
    hour.bills_time_kind = "remote"
    hour.save()
    internal = make_ticket(title="Our own server")
    time_entry_add(actor=admin, number=internal.number, minutes=60)
    dispatch()
    assert not Charge.objects.exists()
