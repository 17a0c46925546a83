"""Cached reads of the ticket configuration: types, priorities, statuses and the transitions
between them, categories, fields, and the teams (lines of support) tickets are assigned to.

These tables are small and change rarely; `core.refcache` keeps them per process and reloads
them when any of them changes (the models are watched in `TicketsConfig.ready`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from deskline.accounts.models import Team
from deskline.core import refcache
from deskline.core.errors import ValidationFailed
from deskline.tickets.custom_fields import FieldDefinition
from deskline.tickets.models import (
    Category,
    CustomField,
    Priority,
    Status,
    StatusTransition,
    Ticket,
    TicketType,
)

M = TypeVar("M", TicketType, Priority, Status, Category, Team)
WATCHED = (TicketType, Priority, Status, StatusTransition, Category, CustomField, Team)


def rows_by_id(model: type[M]) -> dict[int, M]:
    """Every row of a small reference table, by id, in the model's default ordering."""

    def load() -> dict[int, M]:
        return {row.pk: row for row in model._default_manager.all()}

    return refcache.cached(("rows", model._meta.label), load)


def row(model: type[M], pk: int) -> M | None:
    return rows_by_id(model).get(pk)


D = TypeVar("D", TicketType, Priority)


def _default_row(model: type[D]) -> D:
    """The row marked default, else the first one."""
    rows = sorted(rows_by_id(model).values(), key=lambda r: r.pk)
    found = next((r for r in rows if r.is_default), rows[0] if rows else None)
    if found is None:
        raise ValidationFailed(f"no {model.__name__} is configured")
    return found


def default_type() -> TicketType:
    return _default_row(TicketType)


def default_priority() -> Priority:
    return _default_row(Priority)


def initial_status() -> Status:
    """The status new tickets start in: the initial one, else the first in order."""
    statuses = sorted(rows_by_id(Status).values(), key=lambda s: (s.order, s.pk))
    found = next((s for s in statuses if s.is_initial), statuses[0] if statuses else None)
    if found is None:
        raise ValidationFailed("no ticket status is configured")
    return found


def field_definitions(type_id: int, *, for_client: bool) -> list[FieldDefinition]:
    """The custom fields enabled for a ticket type (only the client-visible ones for clients)."""

    def load() -> list[FieldDefinition]:
        fields = CustomField.objects.filter(ticket_types=type_id).order_by("pk")
        if for_client:
            fields = fields.filter(visible_to_clients=True)
        return [
            FieldDefinition(f.code, f.field_type, f.required, tuple(map(str, f.choices)))
            for f in fields
        ]

    return refcache.cached(("fields", type_id, for_client), load)


def transitions_from(status_id: int) -> list[StatusTransition]:
    """The status changes allowed from a status, to active statuses, with the target status."""

    def load() -> list[StatusTransition]:
        rows = StatusTransition.objects.filter(from_status_id=status_id, to_status__is_active=True)
        return list(rows.select_related("to_status"))

    return refcache.cached(("transitions", status_id), load)


def custom_fields_of_type(type_id: int) -> list[CustomField]:
    """The custom fields enabled for a ticket type, in their configured order."""

    def load() -> list[CustomField]:
        rows = CustomField.objects.filter(ticket_types=type_id).order_by("order", "pk")
        return list(rows)

    return refcache.cached(("custom_fields", type_id), load)


def client_field_codes() -> frozenset[str]:
    """Codes of the custom fields clients may see."""

    def load() -> frozenset[str]:
        return frozenset(
            CustomField.objects.filter(visible_to_clients=True).values_list("code", flat=True)
        )

    return refcache.cached("client_field_codes", load)


def attach_configuration(tickets: Iterable[Ticket]) -> None:
    """Set each ticket's status, priority, type, category and team from the cache (no queries)."""
    statuses, priorities = rows_by_id(Status), rows_by_id(Priority)
    types, categories, teams = rows_by_id(TicketType), rows_by_id(Category), rows_by_id(Team)
    for ticket in tickets:
        loaded = ticket.__dict__  # a field left out with only()/defer() is not read (no query)
        # A row created after the cache was loaded falls back to the usual lazy load.
        for name, rows in (
            ("status", statuses),
            ("priority", priorities),
            ("type", types),
            ("category", categories),
            ("team", teams),
        ):
            pk = loaded.get(f"{name}_id")
            if pk is not None and pk in rows:
                setattr(ticket, name, rows[pk])
