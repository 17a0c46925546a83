"""Finished visits become call-out charges (issue 16, item 2): when a visit is checked out, the
first call-out fee rule it matches (outside the contract's covered sites, at night, on a weekend)
adds a line of the rule's item, at the price in force on the day of the visit, once per visit
(the charge's origin reference), through `charge_add` like any other line."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction

from deskline.billing.callouts import CalloutTerms, VisitFacts, callout_for
from deskline.billing.models import CalloutRule, ChargeOrigin
from deskline.billing.services import charge_add
from deskline.clients.selectors import contract_covering
from deskline.core.errors import DomainError
from deskline.fieldwork.models import Visit
from deskline.tickets.models import TicketEvent

logger = logging.getLogger(__name__)


def _rules() -> list[CalloutTerms]:
    return [CalloutTerms(key=r.pk, item_id=r.item_id, quantity=r.quantity,
                         only_outside_coverage=r.only_outside_coverage, only_night=r.only_night,
                         only_weekend=r.only_weekend, night_starts=r.night_starts,
                         night_ends=r.night_ends)
            for r in CalloutRule.objects.filter(is_active=True)]  # fmt: skip


def _facts(visit: Visit) -> VisitFacts:
    started = visit.checked_in_at or visit.planned_start
    try:
        zone = ZoneInfo(visit.site.time_zone or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    local = started.astimezone(zone)
    ticket = visit.ticket
    covered = ticket.company_id is not None and contract_covering(
        company_id=ticket.company_id, site_id=visit.site_id, equipment_id=None, day=local.date()
    ) is not None  # fmt: skip
    return VisitFacts(local_start=local, covered=covered)


def charge_visit_on_event(event: TicketEvent) -> None:
    """The `billing.callout` reaction to a visit checked out."""
    data = event.data or {}
    if data.get("status") != "done" or not data.get("visit_id"):
        return
    visit = Visit.objects.select_related("ticket", "site").filter(pk=data["visit_id"]).first()
    if visit is None or visit.ticket.company_id is None:
        return
    facts = _facts(visit)
    rule = callout_for(_rules(), facts)
    if rule is None:
        return
    actor = event.actor or visit.created_by
    if actor is None:
        return
    try:
        with transaction.atomic():
            charge_add(actor=actor, ticket_number=visit.ticket.number, item_id=rule.item_id,
                       quantity=rule.quantity, work_date=facts.local_start.date(),
                       origin=ChargeOrigin.VISIT, origin_ref=str(visit.pk))  # fmt: skip
    except IntegrityError:
        return  # already charged (a redelivered event)
    except DomainError as exc:  # no price in force, a closed period: the agent adds it by hand
        logger.info("visit %s not charged: %s", visit.pk, exc)
