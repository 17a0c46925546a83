"""API shapes of the billing app and the adapters building their dicts from rows.

Money travels as decimal strings ("1200.00"): JSON numbers would pass through floats.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import Field

from deskline.billing.models import Act, CatalogItem, Charge, PriceList
from deskline.core.schema import InSchema, OutSchema

Money = Decimal


class CatalogItemOut(OutSchema):
    id: int
    kind: str
    code: str
    name: str
    name_ru: str
    unit: str
    vat_rate: Money


class CatalogItemIn(InSchema):
    kind: str = Field(description="hour, unit, fixed or material")
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=300)
    name_ru: str = Field("", max_length=300)
    unit: str = Field("", max_length=32)
    vat_rate: Decimal = Field(Decimal(0), ge=0, le=100, max_digits=5, decimal_places=2)


class PriceOut(OutSchema):
    item_id: int
    item_code: str
    amount: Money
    vat_rate: Money | None


class PriceListOut(OutSchema):
    id: int
    name: str
    scope: str
    company_id: int | None
    contract_id: int | None
    currency: str
    prices_include_vat: bool
    valid_from: dt.date
    valid_until: dt.date | None
    is_active: bool
    prices: list[PriceOut]


class PriceListIn(InSchema):
    name: str = Field(min_length=1, max_length=200)
    currency: str = Field("RUB", min_length=3, max_length=3)
    prices_include_vat: bool = True
    valid_from: dt.date
    valid_until: dt.date | None = None
    company_id: int | None = None
    contract_id: int | None = None


class PriceIn(InSchema):
    item_id: int
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    vat_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)


class ChargeOut(OutSchema):
    id: int
    item_id: int
    kind: str
    description: str
    unit: str
    quantity: Decimal
    unit_price: Money
    currency: str
    prices_include_vat: bool
    vat_rate: Money
    discount_percent: Money
    net: Money
    vat: Money
    total: Money
    work_date: dt.date
    origin: str
    act_id: int | None
    created_at: dt.datetime


class ChargeIn(InSchema):
    item_id: int
    quantity: Decimal = Field(gt=0, max_digits=12, decimal_places=3)
    discount_percent: Decimal = Field(Decimal(0), ge=0, le=100, max_digits=5, decimal_places=2)
    work_date: dt.date | None = None
    description: str = Field("", max_length=300)


class ChargePatch(InSchema):
    quantity: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=3)
    discount_percent: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    description: str | None = Field(None, max_length=300)


def item_out(item: CatalogItem) -> dict[str, Any]:
    return {"id": item.pk, "kind": item.kind, "code": item.code, "name": item.name,
            "name_ru": item.name_ru, "unit": item.unit, "vat_rate": item.vat_rate}  # fmt: skip


def price_list_out(row: PriceList) -> dict[str, Any]:
    prices = [
        {"item_id": p.item_id, "item_code": p.item.code, "amount": p.amount, "vat_rate": p.vat_rate}
        for p in row.prices.all()
    ]
    return {"id": row.pk, "name": row.name, "scope": row.scope, "company_id": row.company_id,
            "contract_id": row.contract_id, "currency": row.currency,
            "prices_include_vat": row.prices_include_vat, "valid_from": row.valid_from,
            "valid_until": row.valid_until, "is_active": row.is_active, "prices": prices}  # fmt: skip


CHARGE_FIELDS = ("item_id", "kind", "description", "unit", "quantity", "unit_price", "currency",
                 "prices_include_vat", "vat_rate", "discount_percent", "net", "vat", "total",
                 "work_date", "origin", "act_id", "created_at")  # fmt: skip


def charge_out(charge: Charge) -> dict[str, Any]:
    return {"id": charge.pk, **{name: getattr(charge, name) for name in CHARGE_FIELDS}}


class ActOut(OutSchema):
    id: int
    number: str | None
    status: str
    company_id: int
    ticket_number: int | None
    period_start: dt.date | None
    period_end: dt.date | None
    currency: str
    language: str
    net: Money
    vat: Money
    total: Money
    created_at: dt.datetime
    issued_at: dt.datetime | None
    signed_at: dt.datetime | None
    cancelled_at: dt.datetime | None


def act_out(act: Act) -> dict[str, Any]:
    return {
        "id": act.pk,
        "number": act.display_number if act.number else None,
        "status": act.status,
        "company_id": act.company_id,
        "ticket_number": act.ticket.number if act.ticket_id and act.ticket else None,
        **{name: getattr(act, name) for name in (
            "period_start", "period_end", "currency", "language", "net", "vat", "total",
            "created_at", "issued_at", "signed_at", "cancelled_at")},
    }  # fmt: skip
