"""The billing history: one append-only `BillingEvent` per money change, with before/after.

Snapshots hold money as strings ("1200.00"), so JSON never turns a Decimal into a float.
"""

from __future__ import annotations

from typing import Any

from deskline.accounts.models import User
from deskline.billing.models import Act, BillingEvent, Charge, Price


def charge_snapshot(charge: Charge) -> dict[str, Any]:
    return {
        "item": charge.item_id,
        "description": charge.description,
        "quantity": str(charge.quantity),
        "included_quantity": str(charge.included_quantity),
        "unit_price": str(charge.unit_price),
        "currency": charge.currency,
        "prices_include_vat": charge.prices_include_vat,
        "vat_rate": str(charge.vat_rate),
        "discount_percent": str(charge.discount_percent),
        "net": str(charge.net),
        "vat": str(charge.vat),
        "total": str(charge.total),
        "work_date": charge.work_date.isoformat(),
        "act": charge.act_id,
    }


def act_snapshot(act: Act) -> dict[str, Any]:
    return {
        "status": act.status,
        "number": act.display_number if act.number else None,
        "currency": act.currency,
        "net": str(act.net),
        "vat": str(act.vat),
        "total": str(act.total),
    }


def price_snapshot(price: Price | None) -> dict[str, Any] | None:
    if price is None:
        return None
    rate = None if price.vat_rate is None else str(price.vat_rate)
    return {"price_list": price.price_list_id, "item": price.item_id,
            "amount": str(price.amount), "vat_rate": rate}  # fmt: skip


def billing_event_record(
    *,
    kind: str,
    actor: User | None,
    subject: str,
    ticket_id: int | None = None,
    company_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    save: bool = True,
) -> BillingEvent:
    """The event, recorded; with `save=False` not saved yet (the monthly run writes a batch's
    events in one statement)."""
    event = BillingEvent(
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        subject=subject,
        ticket_id=ticket_id,
        company_id=company_id,
        before=before,
        after=after,
    )
    if save:
        event.save(force_insert=True)
    return event
