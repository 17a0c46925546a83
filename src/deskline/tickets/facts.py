"""Turning a ticket (or the fields of a would-be ticket) into the facts that rules look at.

Facts are a flat mapping of plain values that routing rules, automation triggers and deciders
read (see `routing.matching` for the conditions over them). Deciders may add facts of their own
(triage adds `predicted.<field>`) for later stages. Other apps may also register *fact sources*
that describe a saved ticket from their own tables (triage: the tone of the latest client
message); `saved_ticket_facts` adds them, for the rules that look at tickets after their
creation (automation triggers). *Change fact sources* describe what a change brings before the
observers store it (triage: the tone of a client's new comment), for the derivers that must
decide in the same write (the SLA policy an angry reply calls for).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from deskline.core.html import html_to_text
from deskline.tickets.models import Ticket
from deskline.tickets.payloads import Payload


def working_hours(local_weekday: int, local_minute: int, start: int = 540, end: int = 1080) -> bool:
    """Default working time: Monday to Friday, 09:00-18:00 local (minutes from midnight)."""
    return local_weekday < 5 and start <= local_minute < end


def is_working_time(now: dt.datetime, zone: str) -> bool:
    """Working hours in the site's zone (Mon-Fri 09-18) until the SLA calendars can be asked."""
    try:
        local = now.astimezone(ZoneInfo(zone or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        local = now.astimezone(dt.UTC)
    return working_hours(local.weekday(), local.hour * 60 + local.minute)


def ticket_facts(ticket: Ticket, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Facts of a saved or unsaved ticket; related rows are read through the ticket's caches."""
    company, site, equipment = ticket.company, ticket.site, ticket.equipment
    category, team = ticket.category, ticket.team
    description = html_to_text(ticket.description or "")
    facts: dict[str, Any] = {
        "title": ticket.title,
        "description": description,
        "text": f"{ticket.title}\n{description}",
        "type": ticket.type.code if ticket.type_id else None,
        "category": ticket.category_id,
        "category_name": category.name if category else None,
        "priority": ticket.priority.code if ticket.priority_id else None,
        "priority_weight": ticket.priority.weight if ticket.priority_id else None,
        "channel": ticket.channel,
        "status": ticket.status.code if ticket.status_id else None,
        "phase": ticket.phase or None,
        "company": ticket.company_id,
        "company_name": company.name if company else None,
        "company_category": company.category.code if company and company.category else None,
        "contact": ticket.contact_id,
        "site": ticket.site_id,
        "site_name": site.name if site else None,
        "site_time_zone": site.time_zone if site else None,
        "equipment": ticket.equipment_id,
        "equipment_kind": equipment.kind.code if equipment else None,
        "contract": ticket.contract_id,
        "not_covered": ticket.not_covered,
        "team": ticket.team_id,
        "team_line": team.line if team else None,
        "assignee": ticket.assignee_id,
        "working_hours": is_working_time(now or timezone.now(), site.time_zone if site else "UTC"),
    }
    for code, value in (ticket.custom_fields or {}).items():
        facts[f"custom.{code}"] = value
    return facts


FactSource = Callable[[Ticket], dict[str, Any]]
_fact_sources: dict[str, FactSource] = {}


def ticket_fact_source(name: str) -> Callable[[FactSource], FactSource]:
    """Register `fn(saved ticket) -> facts` under a name (one query at most, by convention)."""

    def register(fn: FactSource) -> FactSource:
        _fact_sources[name] = fn
        return fn

    return register


def saved_ticket_facts(ticket: Ticket, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """`ticket_facts` of a saved ticket, with the facts the registered sources add."""
    facts = ticket_facts(ticket, now=now)
    for source in _fact_sources.values():
        facts.update(source(ticket))
    return facts


def source_facts(ticket: Ticket, name: str) -> dict[str, Any]:
    """The facts of one registered source about a saved ticket ({} when none is registered)."""
    source = _fact_sources.get(name)
    return source(ticket) if source is not None else {}


ChangeFactSource = Callable[[Ticket, Payload], dict[str, Any]]
_change_fact_sources: dict[str, ChangeFactSource] = {}


def change_fact_source(name: str) -> Callable[[ChangeFactSource], ChangeFactSource]:
    """Register `fn(ticket, payload) -> facts` under a name: the facts a change brings, known
    before the change's observers store them ({} for changes it does not describe)."""

    def register(fn: ChangeFactSource) -> ChangeFactSource:
        _change_fact_sources[name] = fn
        return fn

    return register


def change_facts(ticket: Ticket, payload: Payload, name: str) -> dict[str, Any]:
    """The facts one registered change source gives for this change ({} when none is)."""
    source = _change_fact_sources.get(name)
    return source(ticket, payload) if source is not None else {}
