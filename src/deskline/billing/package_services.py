"""Applying a contract's hour package to hourly charges (the arithmetic is in `packages`).

The contract row is locked while a charge takes hours from its package, so two engineers adding
hours at once cannot both take the last included hour. Crossing 80 % and 100 % of a period's
package records a `BillingEvent` (`package_80`, `package_100`) for the contract's company, once
per period: what notifications to the manager (and the client, by setting) react to.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from deskline.accounts.models import User
from deskline.billing.events import billing_event_record
from deskline.billing.models import BillingEvent, Charge, ItemKind
from deskline.billing.packages import package_split, period_of, thresholds_crossed
from deskline.clients.models import Contract

HOURS = Decimal("0.001")


def package_used(
    contract_id: int, period: tuple[dt.date, dt.date], *, exclude_charge: int | None = None
) -> Decimal:
    """Hours of the contract's package taken by hourly charges in the period."""
    charges = Charge.objects.filter(
        ticket__contract_id=contract_id, kind=ItemKind.HOUR, work_date__range=period
    )
    if exclude_charge is not None:
        charges = charges.exclude(pk=exclude_charge)
    return Decimal(charges.aggregate(s=Sum("included_quantity"))["s"] or 0)


def package_apply(charge: Charge, *, actor: User | None) -> None:
    """Set `charge.included_quantity` from its ticket's contract package (0 when none)."""
    contract_id = charge.ticket.contract_id
    if charge.kind != ItemKind.HOUR or contract_id is None:
        charge.included_quantity = Decimal(0)
        return
    contract = Contract.objects.select_for_update().filter(pk=contract_id).first()
    if contract is None or not contract.included_hours:
        charge.included_quantity = Decimal(0)
        return
    period = period_of(charge.work_date)
    used = package_used(contract_id, period, exclude_charge=charge.pk)
    covered, _billed = package_split(quantity=charge.quantity, included=contract.included_hours,
                                     used=used)  # fmt: skip
    charge.included_quantity = covered
    for share in thresholds_crossed(included=contract.included_hours, before=used,
                                    after=used + covered):  # fmt: skip
        _warn(contract, period, share, actor=actor, used=used + covered)


def _warn(contract: Contract, period: tuple[dt.date, dt.date], share: int, *,
          actor: User | None, used: Decimal) -> None:  # fmt: skip
    subject = f"contract:{contract.pk}:{period[0]:%Y-%m}"
    kind = f"package_{share}"
    if BillingEvent.objects.filter(kind=kind, subject=subject).exists():
        return  # warned once per period
    billing_event_record(kind=kind, actor=actor, subject=subject, company_id=contract.company_id,
                         after={"included": str(contract.included_hours), "used": str(used)})  # fmt: skip


def package_usage(contract: Contract, day: dt.date) -> dict[str, Any]:
    """Used / included hours of the contract's package in the month of `day`."""
    period = period_of(day)
    included = (contract.included_hours or Decimal(0)).quantize(HOURS)
    used = package_used(contract.pk, period).quantize(HOURS)
    return {"contract_id": contract.pk, "period_start": period[0], "period_end": period[1],
            "included": included, "used": used, "remaining": max(included - used, Decimal(0))}  # fmt: skip
