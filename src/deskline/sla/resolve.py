"""From rows to values: a ticket's policy, calendar and targets, and cached WorkCalendars.

The SLA tables are read through `core.refcache` (one load per change of any of them, in every
process); built calendars are cached by their content (a CalendarSpec value).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.utils import timezone

from deskline.core import refcache
from deskline.sla import matching
from deskline.sla.calendars import CalendarSpec, ExceptionSpec, build_calendar
from deskline.sla.clock import WorkCalendar
from deskline.sla.models import (
    Calendar,
    CalendarException,
    ContractSla,
    SiteCalendar,
    SlaPolicy,
    SlaRule,
    SlaTarget,
)
from deskline.tickets import config_cache as ticket_configuration
from deskline.tickets.facts import source_facts
from deskline.tickets.models import Category, Ticket

#: Watched by core.refcache: a change to any of these reloads the SLA configuration.
WATCHED = (Calendar, CalendarException, ContractSla, SiteCalendar, SlaPolicy, SlaRule, SlaTarget)
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
    return _spec(calendar, exceptions)


def _spec(calendar: Calendar, exceptions: tuple[ExceptionSpec, ...]) -> CalendarSpec:
    return CalendarSpec(
        time_zone=calendar.time_zone,
        week=tuple(calendar.week),
        always=calendar.always,
        country=calendar.country,
        subdiv=calendar.subdiv,
        exceptions=exceptions,
    )


@dataclass(frozen=True)
class SlaConfiguration:
    """Everything choosing a policy, a calendar and targets reads, loaded once per generation."""

    rules: tuple[matching.RuleSpec, ...]
    policies: dict[int, SlaPolicy]
    default_policy_id: int | None
    calendars: dict[int, Calendar]
    specs: dict[int, CalendarSpec]
    default_calendar_id: int | None
    contracts: dict[int, tuple[int | None, int | None]]
    sites: dict[int, int]
    targets: dict[tuple[int, int], tuple[int | None, int | None]]

    @property
    def uses_tone(self) -> bool:
        """Whether some rule names a tone (only then is a saved ticket's tone read)."""
        return any(rule.tone for rule in self.rules)


def _load_configuration() -> SlaConfiguration:
    policies = {p.pk: p for p in SlaPolicy.objects.prefetch_related("pause_statuses")}
    calendars = {c.pk: c for c in Calendar.objects.all()}
    exceptions: dict[int, list[ExceptionSpec]] = {pk: [] for pk in calendars}
    for e in CalendarException.objects.order_by("calendar_id", "day"):
        exceptions[e.calendar_id].append(ExceptionSpec(e.day, e.kind, e.hours))
    return SlaConfiguration(
        rules=tuple(rule_specs()),
        policies=policies,
        default_policy_id=next((pk for pk, p in policies.items() if p.is_default), None),
        calendars=calendars,
        specs={pk: _spec(c, tuple(exceptions[pk])) for pk, c in calendars.items()},
        default_calendar_id=next((pk for pk, c in calendars.items() if c.is_default), None),
        contracts={
            row.contract_id: (row.policy_id, row.calendar_id) for row in ContractSla.objects.all()
        },
        sites=dict(SiteCalendar.objects.values_list("site_id", "calendar_id")),
        targets={
            (t.policy_id, t.priority_id): (t.reaction_minutes, t.resolution_minutes)
            for t in SlaTarget.objects.all()
        },
    )


def configuration() -> SlaConfiguration:
    """The SLA configuration of this process, reloaded when any of its tables changes."""
    return refcache.cached("sla.configuration", _load_configuration)


def policy(policy_id: int | None) -> SlaPolicy | None:
    """The cached policy (its pausing statuses prefetched); None for None or an unknown id."""
    return configuration().policies.get(policy_id) if policy_id is not None else None


def work_calendar(calendar: Calendar | None) -> WorkCalendar:
    """The built calendar; a missing calendar means 24/7 UTC.

    Built calendars are cached by content (the spec is a hashable value), so one spec shared by
    several calendar rows is built once.
    """
    if calendar is None:
        return _FALLBACK
    spec = configuration().specs.get(calendar.pk) if calendar.pk else None
    return _build(spec or spec_of(calendar), calendar_years().start)


@lru_cache(maxsize=256)
def _build(spec: CalendarSpec, first_year: int) -> WorkCalendar:
    return build_calendar(spec, range(first_year, first_year + YEARS_BACK + YEARS_AHEAD + 1))


def work_calendar_by_id(calendar_id: int | None) -> WorkCalendar:
    if calendar_id is None:
        return _FALLBACK
    return work_calendar(configuration().calendars.get(calendar_id))


def facts_of(
    ticket: Ticket,
    *,
    tone_facts: Mapping[str, Any] | None = None,
    config: SlaConfiguration | None = None,
) -> matching.TicketFacts:
    """The ticket's facts for the rules. `tone_facts` (triage's `tone`, `tone.angry`, ...) give
    the tone; without them a saved ticket's latest message is read, when some rule of `config`
    (the one in force by default) names a tone."""
    if tone_facts is None:
        tone_facts = saved_tone_facts(ticket, config or configuration())
    return matching.TicketFacts(
        contract_id=ticket.contract_id,
        company_id=ticket.company_id,
        company_category_id=ticket.company.category_id if ticket.company else None,
        type_id=ticket.type_id,
        category_ids=category_chain(ticket.category_id),
        priority_id=ticket.priority_id,
        site_id=ticket.site_id,
        tones=matching.tones_of(tone_facts),
    )


def saved_tone_facts(ticket: Ticket, config: SlaConfiguration) -> Mapping[str, Any]:
    """The tone facts of a saved ticket's latest inbound message (one query), when a rule of
    `config` names a tone; {} otherwise or for an unsaved ticket."""
    if ticket.pk is None or not config.uses_tone:
        return {}
    return source_facts(ticket, "tone")


def category_chain(category_id: int | None) -> tuple[int, ...]:
    """The category and its ancestors, nearest first (a cycle stops the walk)."""
    categories = ticket_configuration.rows_by_id(Category)
    chain: list[int] = []
    while category_id is not None and category_id not in chain:
        chain.append(category_id)
        parent = categories.get(category_id)
        category_id = parent.parent_id if parent is not None else None
    return tuple(chain)


def rule_specs() -> list[matching.RuleSpec]:
    return [
        matching.RuleSpec(**row)
        for row in SlaRule.objects.filter(is_active=True).values(
            "id", "policy_id", "order", *matching.CONDITIONS
        )
    ]


#: The reason recorded when a routing rule chose the policy (kept when the facts change later).
ROUTED_REASON = "set by a routing rule"


@dataclass(frozen=True)
class Choice:
    policy: SlaPolicy | None
    rule_id: int | None
    policy_reason: str
    calendar: Calendar | None
    calendar_source: str


def choose_for(
    facts: matching.TicketFacts,
    *,
    policy_id: int | None = None,
    config: SlaConfiguration | None = None,
) -> Choice:
    """The policy and calendar for tickets with these facts, and why. A `policy_id` (a routing
    rule named it) wins over the SLA rules when that policy exists. `config` replaces the one
    in force (the what-if replays tickets against a proposed one)."""
    config = config or configuration()
    contract_policy_id, contract_calendar_id = (
        config.contracts.get(facts.contract_id, (None, None)) if facts.contract_id else (None, None)
    )
    if policy_id is not None and policy_id in config.policies:
        picked = matching.PolicyChoice(policy_id, None, ROUTED_REASON)
    else:
        picked = matching.choose_policy(
            facts,
            list(config.rules),
            contract_policy_id=contract_policy_id,
            default_policy_id=config.default_policy_id,
        )
    chosen_policy = policy(picked.policy_id)
    chosen = matching.choose_calendar(
        site_calendar_id=config.sites.get(facts.site_id) if facts.site_id else None,
        contract_calendar_id=contract_calendar_id,
        policy_calendar_id=chosen_policy.calendar_id if chosen_policy else None,
        default_calendar_id=config.default_calendar_id,
    )
    calendar = config.calendars.get(chosen.calendar_id) if chosen.calendar_id else None
    return Choice(chosen_policy, picked.rule_id, picked.reason, calendar, chosen.source)


def targets_for(policy_id: int | None, priority_id: int) -> tuple[int | None, int | None]:
    """(reaction, resolution) working minutes; (None, None) without a policy or target."""
    if policy_id is None:
        return None, None
    return configuration().targets.get((policy_id, priority_id), (None, None))
