"""Billable time becomes charges (issue 16, item 2): a billable time entry of a kind that a
catalogue item charges (`CatalogItem.bills_time_kind`) adds a line of that item for the hours, at
the price in force for the ticket's company and contract on the day of the work; once per entry
(the charge's origin reference), and through `charge_add`, so hour packages apply."""

from __future__ import annotations

import logging
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction

from deskline.billing.models import CatalogItem, ChargeOrigin
from deskline.billing.services import charge_add
from deskline.core.errors import DomainError
from deskline.fieldwork.models import TimeEntry
from deskline.tickets.models import TicketEvent

logger = logging.getLogger(__name__)


def hours_of(minutes: int) -> Decimal:
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def charge_time_on_event(event: TicketEvent) -> None:
    """The `billing.time` reaction to `time_logged`."""
    entry_id = (event.data or {}).get("entry_id")
    if not entry_id:
        return
    entry = TimeEntry.objects.select_related("ticket", "user").filter(pk=entry_id).first()
    if entry is None or not entry.billable or not entry.minutes or not entry.ticket.company_id:
        return
    item = CatalogItem.objects.filter(bills_time_kind=entry.kind, is_active=True).first()
    if item is None:
        return
    try:
        with transaction.atomic():
            charge_add(
                actor=entry.user, ticket_number=entry.ticket.number, item_id=item.pk,
                quantity=hours_of(entry.minutes), work_date=entry.started_at.date(),
                description=entry.comment or item.name, origin=ChargeOrigin.TIME_ENTRY,
                origin_ref=str(entry.pk),
            )  # fmt: skip
    except IntegrityError:
        return  # already charged (a redelivered event)
    except DomainError as exc:  # no price in force, a closed period: the agent adds it by hand
        logger.info("time entry %s not charged: %s", entry.pk, exc)
