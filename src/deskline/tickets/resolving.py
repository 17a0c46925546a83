"""Resolving the ids a caller passes into rows, and checking that they fit together."""

from __future__ import annotations

from typing import Any

from django.db import models

from deskline.accounts.models import STAFF_ROLES, Team, User
from deskline.clients.models import Company, Contact, Contract, Equipment, Site
from deskline.core.errors import ValidationFailed
from deskline.tickets import config_cache
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


def resolve(field: str, value: int | None) -> Any:
    """The row for `<field>_id`, or None; ValidationFailed naming the field if it is unknown."""
    if value is None:
        return None
    model = REFERENCE_MODELS[field]
    if field in CACHED_FIELDS:
        row: Any = config_cache.row(CACHED_FIELDS[field], value)
    else:
        lookup = {"number": value} if field == "parent" else {"pk": value}
        row = model._default_manager.filter(**lookup).first()
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


def check_assignee(team: Team | None, assignee: User | None) -> None:
    if assignee is None:
        return
    if not assignee.is_active or assignee.role not in STAFF_ROLES or assignee.is_system:
        raise ValidationFailed(
            "the assignee must be an active staff member",
            fields={"assignee_id": "is not an active staff member"},
        )
    if team is not None and not team.members.filter(pk=assignee.pk).exists():
        raise ValidationFailed(
            "the assignee is not a member of the team",
            fields={"assignee_id": f"is not a member of team {team.name}"},
        )
