"""SLA state for tickets the demo wrote in bulk: what a real installation would hold for them.

A ticket created through `ticket_create` gets its SLA row (policy, calendar and why) from the SLA
decider and deadlines on the policy's working calendar; the demo writes a year of tickets with
COPY, so it gives them the same afterwards: the policy each ticket's facts choose, deadlines
computed on that calendar (paused time included), breach flags as they stand now, and the
breach risk of the open ones. No escalation or risk warning is sent for the past.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q

from deskline.clients.models import Company
from deskline.sla import resolve
from deskline.sla.engine import is_pausing
from deskline.sla.matching import TicketFacts
from deskline.sla.models import TicketSla
from deskline.sla.prediction import risk_update
from deskline.sla.recompute import deadlines_recompute
from deskline.tickets.models import Ticket

BATCH_SIZE = 5000
_FACT_COLUMNS = ("pk", "contract_id", "company_id", "type_id", "category_id", "priority_id",
                 "site_id", "status_id", "phase", "updated_at")  # fmt: skip


def demo_sla_attach(*, first_number: int, last_number: int, now: dt.datetime) -> int:
    """Give the tickets numbered first..last without SLA state their state; returns how many."""
    tickets = Ticket.objects.filter(number__range=(first_number, last_number))
    attached = _states_create(tickets.filter(sla__isnull=True))
    states = TicketSla.objects.filter(ticket__in=tickets)
    deadlines_recompute(states=states, first_time=True)
    _breaches_mark(tickets, now)
    risk_update(now, warn=False)
    return attached


def _states_create(tickets: Any) -> int:
    categories = dict(Company.objects.values_list("pk", "category_id"))
    chosen: dict[TicketFacts, resolve.Choice] = {}
    created, last = 0, 0
    while True:
        rows = list(
            tickets.filter(pk__gt=last).order_by("pk").values_list(*_FACT_COLUMNS)[:BATCH_SIZE]
        )
        if not rows:
            return created
        last = rows[-1][0]
        states = []
        for pk, contract, company, type_id, category, priority, site, status, phase, at in rows:
            facts = TicketFacts(
                contract_id=contract, company_id=company,
                company_category_id=categories.get(company) if company else None,
                type_id=type_id, category_ids=resolve.category_chain(category),
                priority_id=priority, site_id=site,
            )  # fmt: skip
            choice = chosen.get(facts) or chosen.setdefault(facts, resolve.choose_for(facts))
            states.append(
                TicketSla(
                    ticket_id=pk,
                    policy=choice.policy,
                    calendar=choice.calendar,
                    rule_id=choice.rule_id,
                    policy_reason=choice.policy_reason,
                    calendar_source=choice.calendar_source,
                    # A ticket waiting on the client has had its clock stopped since its last change.
                    paused_since=at if is_pausing(choice.policy, status, phase) else None,
                )  # fmt: skip
            )
        with transaction.atomic():
            TicketSla.objects.bulk_create(states, batch_size=1000)
        created += len(states)


def _breaches_mark(tickets: Any, now: dt.datetime) -> None:
    """Breach flags from the computed deadlines: late work, or no work yet and the time is up."""

    def late(done: str, due: str) -> ExpressionWrapper[Q]:
        return ExpressionWrapper(
            Q(**{f"{done}__isnull": False, f"{done}__gt": F(due)})
            | Q(**{f"{done}__isnull": True, f"{due}__lt": now}),
            output_field=BooleanField(),
        )

    # Only rows whose flags change are written (PostgreSQL rewrites every row an UPDATE touches).
    flags = tickets.alias(
        reaction_now=late("reacted_at", "reaction_due"),
        resolution_now=late("resolved_at", "resolution_due"),
    ).exclude(reaction_breached=F("reaction_now"), resolution_breached=F("resolution_now"))
    Ticket.objects.filter(pk__in=flags.values("pk")).update(
        reaction_breached=late("reacted_at", "reaction_due"),
        resolution_breached=late("resolved_at", "resolution_due"),
    )
