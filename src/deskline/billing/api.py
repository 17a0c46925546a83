"""REST endpoints of the catalogue, price lists and charges on tickets (thin adapters)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from deskline.accounts.api_auth import request_user
from deskline.billing import selectors, services
from deskline.billing.access import ticket_for_charges
from deskline.billing.package_services import package_usage
from deskline.billing.schemas import (
    CatalogItemIn,
    CatalogItemOut,
    ChargeIn,
    ChargeOut,
    ChargePatch,
    PriceIn,
    PriceListIn,
    PriceListOut,
    charge_out,
    item_out,
    price_list_out,
)
from deskline.clients.selectors import contracts_visible_to
from deskline.core.errors import NotFound
from deskline.core.permissions import require_staff
from deskline.core.schema import OutSchema

router = Router(tags=["billing"])


@router.get("/services", response=list[CatalogItemOut], summary="The catalogue (staff)")
def list_services(request: HttpRequest, kind: str = "") -> list[dict[str, Any]]:
    """Services per hour, per unit and fixed, and materials (kind=material)."""
    require_staff(request_user(request))
    items = selectors.catalog_list()
    return [item_out(i) for i in (items.filter(kind=kind) if kind else items)]


@router.post("/services", response={201: CatalogItemOut}, summary="Add to the catalogue (admins)")
def create_service(request: HttpRequest, payload: CatalogItemIn) -> Status[dict[str, Any]]:
    item = services.catalog_item_create(actor=request_user(request), **payload.dict())
    return Status(201, item_out(item))


@router.get("/price-lists", response=list[PriceListOut], summary="Price lists (staff)")
def list_price_lists(request: HttpRequest) -> list[dict[str, Any]]:
    require_staff(request_user(request))
    return [price_list_out(p) for p in selectors.price_list_list()]


@router.post("/price-lists", response={201: PriceListOut}, summary="Create a price list (admins)")
def create_price_list(request: HttpRequest, payload: PriceListIn) -> Status[dict[str, Any]]:
    row = services.price_list_create(actor=request_user(request), **payload.dict())
    return Status(201, price_list_out(selectors.price_list_list().get(pk=row.pk)))


@router.put("/price-lists/{price_list_id}/prices", response=PriceListOut,
            summary="Set one item's price in a list (admins)")  # fmt: skip
def set_price(request: HttpRequest, price_list_id: int, payload: PriceIn) -> dict[str, Any]:
    services.price_set(actor=request_user(request), price_list_id=price_list_id, **payload.dict())
    return price_list_out(selectors.price_list_list().get(pk=price_list_id))


@router.get("/tickets/{int:number}/charges", response=list[ChargeOut],
            summary="A ticket's charges (clients: when their company sees prices)")  # fmt: skip
def list_charges(request: HttpRequest, number: int) -> list[dict[str, Any]]:
    ticket = ticket_for_charges(request_user(request), number)
    return [charge_out(c) for c in selectors.charges_for_ticket(ticket.pk)]


@router.post("/tickets/{int:number}/charges", response={201: ChargeOut},
             summary="Add a charge at the price in force (staff)")  # fmt: skip
def add_charge(request: HttpRequest, number: int, payload: ChargeIn) -> Status[dict[str, Any]]:
    charge = services.charge_add(actor=request_user(request), ticket_number=number,
                                 **payload.dict())  # fmt: skip
    return Status(201, charge_out(charge))


@router.patch("/tickets/{int:number}/charges/{charge_id}", response=ChargeOut,
              summary="Change a charge's quantity, discount or description (staff)")  # fmt: skip
def update_charge(
    request: HttpRequest, number: int, charge_id: int, payload: ChargePatch
) -> dict[str, Any]:
    charge = services.charge_update(actor=request_user(request), ticket_number=number,
                                    charge_id=charge_id, changes=payload.dict(exclude_unset=True))  # fmt: skip
    return charge_out(charge)


@router.delete("/tickets/{int:number}/charges/{charge_id}", response={204: None},
               summary="Remove a charge not yet in an act (staff)")  # fmt: skip
def remove_charge(request: HttpRequest, number: int, charge_id: int) -> Status[None]:
    services.charge_remove(actor=request_user(request), ticket_number=number, charge_id=charge_id)
    return Status(204, None)


class PackageOut(OutSchema):
    contract_id: int
    period_start: dt.date
    period_end: dt.date
    included: Decimal
    used: Decimal
    remaining: Decimal


@router.get("/contracts/{contract_id}/hours", response=PackageOut,
            summary="Used / included hours of the contract's package in a month")  # fmt: skip
def contract_hours(request: HttpRequest, contract_id: int, day: dt.date | None = None) -> Any:
    """The month of `day` (today by default); whoever sees the contract sees its hours."""
    contract = contracts_visible_to(request_user(request)).filter(pk=contract_id).first()
    if contract is None:
        raise NotFound(f"contract {contract_id} not found")
    return package_usage(contract, day or timezone.localdate())
