"""Writes of the catalogue, price lists and charges; each records its `BillingEvent`.

A charge's price is resolved when it is added (the list in force for the ticket's company and
contract on the work date, see `pricing`) and frozen on the row with the list's currency, VAT mode
and rate; changing a quantity or a discount recomputes the line from the frozen price. A charge in
an act is locked until the act is cancelled.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from deskline.accounts.models import User
from deskline.billing.access import ticket_for_charges
from deskline.billing.events import billing_event_record, charge_snapshot, price_snapshot
from deskline.billing.models import (
    CatalogItem,
    Charge,
    ChargeOrigin,
    ItemKind,
    Price,
    PriceList,
)
from deskline.billing.money import line_amounts, round_money
from deskline.billing.package_services import package_apply
from deskline.billing.selectors import price_in_force
from deskline.core.errors import Conflict, NotFound, ValidationFailed
from deskline.core.permissions import require_admin

CURRENCIES = frozenset({"RUB", "EUR", "USD", "KZT", "BYN", "GBP", "CHF", "CNY", "TRY", "AMD"})


@transaction.atomic
def catalog_item_create(
    *, actor: User, kind: str, code: str, name: str, name_ru: str = "", unit: str = "",
    vat_rate: Decimal = Decimal(0),
) -> CatalogItem:  # fmt: skip
    require_admin(actor)
    if kind not in ItemKind.values:
        raise ValidationFailed("unknown item kind", fields={"kind": f"one of {ItemKind.values}"})
    if CatalogItem.objects.filter(code=code).exists():
        raise ValidationFailed("the code is taken", fields={"code": "already in the catalogue"})
    default_unit = "h" if kind == ItemKind.HOUR else "pcs"
    return CatalogItem.objects.create(kind=kind, code=code, name=name, name_ru=name_ru,
                                      unit=unit or default_unit, vat_rate=vat_rate)  # fmt: skip


@transaction.atomic
def price_list_create(
    *, actor: User, name: str, currency: str, prices_include_vat: bool, valid_from: dt.date,
    valid_until: dt.date | None = None, company_id: int | None = None,
    contract_id: int | None = None,
) -> PriceList:  # fmt: skip
    require_admin(actor)
    fields: dict[str, str] = {}
    if currency not in CURRENCIES:
        fields["currency"] = f"one of {sorted(CURRENCIES)}"
    if company_id is not None and contract_id is not None:
        fields["contract_id"] = "a list is the default, a company's or a contract's"
    if valid_until is not None and valid_until < valid_from:
        fields["valid_until"] = "before valid_from"
    if fields:
        raise ValidationFailed("the price list is not valid", fields=fields)
    price_list = PriceList.objects.create(
        name=name, currency=currency, prices_include_vat=prices_include_vat,
        valid_from=valid_from, valid_until=valid_until, company_id=company_id,
        contract_id=contract_id,
    )  # fmt: skip
    billing_event_record(kind="price_list_created", actor=actor, subject=f"price_list:{price_list.pk}",
                         company_id=company_id, after={"name": name, "currency": currency})  # fmt: skip
    return price_list


@transaction.atomic
def price_set(
    *, actor: User, price_list_id: int, item_id: int, amount: Decimal,
    vat_rate: Decimal | None = None,
) -> Price:  # fmt: skip
    """Set (or change) one item's price in a list; recorded with the price before."""
    require_admin(actor)
    price_list = PriceList.objects.filter(pk=price_list_id).first()
    if price_list is None:
        raise NotFound(f"price list {price_list_id} not found")
    if not CatalogItem.objects.filter(pk=item_id).exists():
        raise ValidationFailed("no such item", fields={"item_id": "not in the catalogue"})
    if amount < 0 or amount != round_money(amount):
        raise ValidationFailed("the price is not valid", fields={"amount": ">= 0, in kopecks"})
    amount = round_money(amount)
    price = Price.objects.select_for_update().filter(price_list=price_list, item_id=item_id).first()
    before = price_snapshot(price)
    if price is None:
        price = Price(price_list=price_list, item_id=item_id)
    price.amount, price.vat_rate = amount, vat_rate
    price.save()
    billing_event_record(kind="price_set", actor=actor, subject=f"price:{price.pk}",
                         company_id=price_list.company_id, before=before,
                         after=price_snapshot(price))  # fmt: skip
    return price


def _compute(charge: Charge) -> None:
    """The line's money on the hours not covered by a package (all of them for other items)."""
    amounts = line_amounts(
        unit_price=charge.unit_price,
        quantity=charge.quantity - charge.included_quantity,
        vat_rate=charge.vat_rate,
        includes_vat=charge.prices_include_vat,
        discount_percent=charge.discount_percent,
    )
    charge.net, charge.vat, charge.total = amounts.net, amounts.vat, amounts.total


QUANTUM = Decimal("0.001")


def _check_line(charge: Charge) -> None:
    """Refuse what the columns cannot hold exactly; store values at their columns' scale."""
    fields: dict[str, str] = {}
    if charge.quantity <= 0 or charge.quantity != charge.quantity.quantize(QUANTUM):
        fields["quantity"] = "greater than 0, at most 3 decimal places"
    discount = charge.discount_percent
    if not Decimal(0) <= discount <= Decimal(100) or discount != round_money(discount):
        fields["discount_percent"] = "a percentage from 0 to 100, at most 2 decimal places"
    if fields:
        raise ValidationFailed("the charge is not valid", fields=fields)
    charge.quantity = charge.quantity.quantize(QUANTUM)
    charge.discount_percent = round_money(discount)


@transaction.atomic
def charge_add(
    *, actor: User, ticket_number: int, item_id: int, quantity: Decimal,
    discount_percent: Decimal = Decimal(0), work_date: dt.date | None = None,
    description: str = "", origin: str = ChargeOrigin.MANUAL, origin_ref: str = "",
) -> Charge:  # fmt: skip
    """Add a line to a ticket at the price in force for its company/contract on `work_date`."""
    ticket = ticket_for_charges(actor, ticket_number, write=True)
    _check_line(Charge(quantity=quantity, discount_percent=discount_percent))
    item = CatalogItem.objects.filter(pk=item_id, is_active=True).first()
    if item is None:
        raise ValidationFailed("no such item", fields={"item_id": "not in the catalogue"})
    day = work_date or timezone.localdate()
    price = price_in_force(item=item, company_id=ticket.company_id,
                           contract_id=ticket.contract_id, work_date=day)  # fmt: skip
    if price is None:
        raise ValidationFailed(f"no price list prices {item.code} on {day.isoformat()}",
                               fields={"item_id": "no price in force"})  # fmt: skip
    charge = Charge(
        ticket=ticket, company_id=ticket.company_id, item=item,
        description=description or item.name, kind=item.kind,
        unit=item.unit, quantity=quantity, unit_price=price.amount, currency=price.currency,
        prices_include_vat=price.includes_vat, vat_rate=price.vat_rate,
        discount_percent=discount_percent, work_date=day, price_list_id=price.list_id,
        origin=origin, origin_ref=origin_ref, created_by=actor,
    )  # fmt: skip
    _check_line(charge)
    package_apply(charge, actor=actor)
    _compute(charge)
    try:
        with transaction.atomic():
            charge.save()
    except IntegrityError as error:
        raise Conflict(f"{origin} {origin_ref} is already charged") from error
    billing_event_record(kind="charge_added", actor=actor, subject=f"charge:{charge.pk}",
                         ticket_id=ticket.pk, company_id=ticket.company_id,
                         after=charge_snapshot(charge))  # fmt: skip
    return charge


def _charge_for_change(actor: User, ticket_number: int, charge_id: int) -> Charge:
    ticket = ticket_for_charges(actor, ticket_number, write=True)
    charge = Charge.objects.select_for_update().filter(pk=charge_id, ticket=ticket).first()
    if charge is None:
        raise NotFound(f"charge {charge_id} not found on ticket {ticket_number}")
    if charge.act_id is not None:
        raise ValidationFailed("the charge is in an act", fields={"act": str(charge.act_id)})
    return charge


@transaction.atomic
def charge_update(
    *, actor: User, ticket_number: int, charge_id: int, changes: dict[str, Any]
) -> Charge:
    """Change quantity, discount or description; the frozen price stays."""
    charge = _charge_for_change(actor, ticket_number, charge_id)
    before = charge_snapshot(charge)
    for field in ("quantity", "discount_percent", "description"):
        if changes.get(field) is not None:
            setattr(charge, field, changes[field])
    _check_line(charge)
    package_apply(charge, actor=actor)
    _compute(charge)
    charge.save()
    billing_event_record(kind="charge_changed", actor=actor, subject=f"charge:{charge.pk}",
                         ticket_id=charge.ticket_id, company_id=charge.ticket.company_id,
                         before=before, after=charge_snapshot(charge))  # fmt: skip
    return charge


@transaction.atomic
def charge_remove(*, actor: User, ticket_number: int, charge_id: int) -> None:
    charge = _charge_for_change(actor, ticket_number, charge_id)
    before = charge_snapshot(charge)
    billing_event_record(kind="charge_removed", actor=actor, subject=f"charge:{charge.pk}",
                         ticket_id=charge.ticket_id, company_id=charge.ticket.company_id,
                         before=before)  # fmt: skip
    charge.delete()
