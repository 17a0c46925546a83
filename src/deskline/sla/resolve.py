"""From rows to values: a ticket's policy, calendar and targets, and cached WorkCalendars.

Built calendars are cached in-process by their content (a CalendarSpec value), so a change
made by any process is seen by the next computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils import timezone

from deskline.sla import matching
from deskline.sla.calendars import CalendarSpec, ExceptionSpec, build_calendar
from deskline.sla.clock import WorkCalendar
from deskline.sla.models import Calendar, ContractSla, SiteCalendar, SlaPolicy, SlaRule, SlaTarget
from deskline.tickets.models import Category, Ticket

#: Years of public holidays loaded around today: tickets up to two years old, deadlines ahead.
YEARS_BACK, YEARS_AHEAD = 2, 3
_FALLBACK = WorkCalendar.always("UTC")


def calendar_years(today: date | None = None) -> range:
    year = (today or timezone.localdate()).year
    return range(year - YEARS_BACK, year + YEARS_AHEAD + 1)


def spec_of(calendar: Calendar) -> CalendarSpec:
    exceptions = tuple(
        ExceptionSpec(e.day, e.kind, e.hours) for e in calendar.exceptions.order_by("day")
    )
    return CalendarSpec(
        time_zone=calendar.time_zone,
        week=tuple(calendar.week),
        always=calendar.always,
        country=calendar.country,
        subdiv=calendar.subdiv,
        exceptions=exceptions,
    )


def work_calendar(calendar: Calendar | None) -> WorkCalendar:
    """The built calendar; a missing calendar means 24/7 UTC.

    Cached by content (the spec is a hashable value), not by id and version: a cache keyed by
    a counter would serve a stale calendar to another process or after a database restore.
    """
    if calendar is None:
        return _FALLBACK
    return _build(spec_of(calendar), calendar_years().start)


@lru_cache(maxsize=256)
def _build(spec: CalendarSpec, first_year: int) -> WorkCalendar:
    return build_calendar(spec, range(first_year, first_year + YEARS_BACK + YEARS_AHEAD + 1))


def work_calendar_by_id(calendar_id: int | None) -> WorkCalendar:
    if calendar_id is None:
        return _FALLBACK
    return work_calendar(Calendar.objects.filter(pk=calendar_id).first())


def facts_of(ticket: Ticket) -> matching.TicketFacts:
    category_ids: list[int] = []
    category_id = ticket.category_id
    while category_id is not None and category_id not in category_ids:
        category_ids.append(category_id)
        category_id = (
            Category.objects.filter(pk=category_id).values_list("parent_id", flat=True).first()
        )
    return matching.TicketFacts(
        contract_id=ticket.contract_id,
        company_id=ticket.company_id,
        company_category_id=ticket.company.category_id if ticket.company else None,
        type_id=ticket.type_id,
        category_ids=tuple(category_ids),
        priority_id=ticket.priority_id,
        site_id=ticket.site_id,
    )


def rule_specs() -> list[matching.RuleSpec]:
    return [
        matching.RuleSpec(**row)
        for row in SlaRule.objects.filter(is_active=True).values(
            "id", "policy_id", "order", *matching.CONDITIONS
        )
    ]


@dataclass(frozen=True)
class Choice:
    policy: SlaPolicy | None
    rule_id: int | None
    policy_reason: str
    calendar: Calendar | None
    calendar_source: str


def choose_for(facts: matching.TicketFacts) -> Choice:
    """The policy and calendar for tickets with these facts, and why."""
    contract = (
        ContractSla.objects.filter(contract_id=facts.contract_id).first()
        if facts.contract_id
        else None
    )
    default_policy = SlaPolicy.objects.filter(is_default=True).values_list("pk", flat=True).first()
    picked = matching.choose_policy(
        facts,
        rule_specs(),
        contract_policy_id=contract.policy_id if contract else None,
        default_policy_id=default_policy,
    )
    policy = SlaPolicy.objects.filter(pk=picked.policy_id).first() if picked.policy_id else None
    site = SiteCalendar.objects.filter(site_id=facts.site_id).first() if facts.site_id else None
    chosen = matching.choose_calendar(
        site_calendar_id=site.calendar_id if site else None,
        contract_calendar_id=contract.calendar_id if contract else None,
        policy_calendar_id=policy.calendar_id if policy else None,
        default_calendar_id=Calendar.objects.filter(is_default=True)
        .values_list("pk", flat=True)
        .first(),
    )
    calendar = (
        Calendar.objects.filter(pk=chosen.calendar_id).first() if chosen.calendar_id else None
    )
    return Choice(policy, picked.rule_id, picked.reason, calendar, chosen.source)


def targets_for(policy_id: int | None, priority_id: int) -> tuple[int | None, int | None]:
    """(reaction, resolution) working minutes; (None, None) without a policy or target."""
    if policy_id is None:
        return None, None
    row = (
        SlaTarget.objects.filter(policy_id=policy_id, priority_id=priority_id)
        .values_list("reaction_minutes", "resolution_minutes")
        .first()
    )
    return (row[0], row[1]) if row else (None, None)
