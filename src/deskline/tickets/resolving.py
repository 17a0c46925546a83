"""Resolving the ids a caller passes into rows, and checking that they fit together."""

from __future__ import annotations

from typing import Any

from django.db import models

from deskline.accounts.models import STAFF_ROLES, Team, User
from deskline.clients.models import Company, Contact, Contract, Equipment, Site
from deskline.clients.selectors import (
    companies_visible_to,
    contacts_visible_to,
    contracts_visible_to,
    equipment_visible_to,
    sites_visible_to,
)
from deskline.core.errors import ValidationFailed
from deskline.tickets import config_cache
from deskline.tickets.access import tickets_visible_to
from deskline.tickets.models import Category, Priority, Ticket, TicketType

REFERENCE_MODELS: dict[str, type[models.Model]] = {
    "type": TicketType,
    "category": Category,
    "priority": Priority,
    "company": Company,
    "contact": Contact,
    "site": Site,
    "equipment": Equipment,
    "contract": Contract,
    "team": Team,
    "assignee": User,
    "parent": Ticket,
}


#: Small configuration tables read from the per-process cache instead of the database.
CACHED_FIELDS: dict[str, Any] = {"type": TicketType, "priority": Priority, "category": Category}


def _api_name(field: str) -> str:
    return "parent_number" if field == "parent" else f"{field}_id"


def _visible_to(actor: User, field: str) -> models.QuerySet[Any] | None:
    """The rows of `field` that `actor` may name in a write (None: no narrowing)."""
    if field == "parent":
        return tickets_visible_to(actor)
    scoped = {"company": companies_visible_to, "contact": contacts_visible_to,
              "site": sites_visible_to, "equipment": equipment_visible_to,
              "contract": contracts_visible_to}  # fmt: skip
    return scoped[field](actor) if field in scoped else None


def resolve(field: str, value: int | None, actor: User | None = None) -> Any:
    """The row for `<field>_id`, or None; ValidationFailed naming the field if it is unknown.

    With an `actor`, a row the actor may not read is unknown too (the same answer, so a write
    never confirms that a row exists): linking to another team's ticket or naming another
    company's contact goes through the same visibility as reading it.
    """
    if value is None:
        return None
    model = REFERENCE_MODELS[field]
    lookup = {"number": value} if field == "parent" else {"pk": value}
    if field in CACHED_FIELDS:
        row: Any = config_cache.row(CACHED_FIELDS[field], value)
    else:
        visible = _visible_to(actor, field) if actor is not None else None
        row = (visible if visible is not None else model._default_manager).filter(**lookup).first()
    if row is None:
        raise ValidationFailed(
            f"unknown {field}: {value}",
            fields={
                _api_name(
                    field
                ): f"no {field} {'number' if field == 'parent' else 'with id'} {value}"
            },
        )
    return row


def check_registry_fit(ticket: Ticket) -> None:
    """Contact, site, equipment and contract must belong to the ticket's company."""
    errors: dict[str, str] = {}
    company_id = ticket.company_id
    for field in ("contact", "site", "equipment", "contract"):
        row = getattr(ticket, field)
        if row is None or row.company_id is None:
            continue
        if company_id is None:
            ticket.company_id = company_id = row.company_id
        elif row.company_id != company_id:
            errors[f"{field}_id"] = "belongs to another company than the ticket"
    equipment = ticket.equipment
    if equipment is not None and ticket.site_id and equipment.site_id not in (None, ticket.site_id):
        errors["equipment_id"] = "is installed at another site"
    if equipment is not None and ticket.site_id is None and equipment.site_id is not None:
        ticket.site_id = equipment.site_id
    if errors:
        raise ValidationFailed("the ticket's registry fields do not fit together", fields=errors)


def check_assignee(team: Team | None, assignee: User | None, *, member: bool = False) -> None:
    """An assignee is active staff and a member of the ticket's team (`member`: the caller
    took them from the team's members, so that is not asked again)."""
    if assignee is None:
        return
    if not assignee.is_active or assignee.role not in STAFF_ROLES or assignee.is_system:
        raise ValidationFailed(
            "the assignee must be an active staff member",
            fields={"assignee_id": "is not an active staff member"},
        )
    if team is not None and not member and not team.members.filter(pk=assignee.pk).exists():
        raise ValidationFailed(
            "the assignee is not a member of the team",
            fields={"assignee_id": f"is not a member of team {team.name}"},
        )
