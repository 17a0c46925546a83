"""Reads for the desk pages that no domain app offers: saved filters, the suggestions of the
list's search boxes (company, contact, site, equipment), and the one ticket a reply template
is filled from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce

from deskline.accounts.models import User
from deskline.clients.models import Company, Contact, Equipment
from deskline.clients.selectors import (
    companies_visible_to,
    contacts_visible_to,
    equipment_visible_to,
    sites_visible_to,
)
from deskline.core.errors import NotFound
from deskline.core.prepared import PreparedQuery
from deskline.desk.models import SavedFilter
from deskline.tickets.access import tickets_visible_to
from deskline.tickets.models import OPEN_PHASES, Ticket

SUGGESTIONS = 10


def _saved_filters_of(*, owner_id: int) -> QuerySet[SavedFilter, tuple[Any, ...]]:
    names = [f.attname for f in SavedFilter._meta.concrete_fields]
    return SavedFilter.objects.filter(owner_id=owner_id).values_list(*names)


_SAVED_FILTERS: PreparedQuery[tuple[Any, ...]] = PreparedQuery(_saved_filters_of, plan_once=True)


def saved_filters_for(*, user: User) -> list[SavedFilter]:
    """The user's own saved filters, by name (a statement the ORM builds once: every list page
    reads them; `core.prepared`)."""
    names = [f.attname for f in SavedFilter._meta.concrete_fields]
    rows = _SAVED_FILTERS.all(owner_id=user.pk)
    return [SavedFilter.from_db(DEFAULT_DB_ALIAS, names, row) for row in rows]


def saved_filter_get_for(*, user: User, filter_id: int) -> SavedFilter:
    """One of the user's saved filters; anyone else's is "not found"."""
    row = SavedFilter.objects.filter(pk=filter_id, owner=user).first()
    if row is None:
        raise NotFound(f"saved filter {filter_id} not found")
    return row


@dataclass(frozen=True)
class Suggestion:
    """One row a search box offers: its id and the label the box shows."""

    pk: int
    label: str


@dataclass(frozen=True)
class _Search:
    prefix: tuple[str, ...]  # fields matched by prefix first (the ones people type)
    contains: tuple[str, ...]  # then fields containing the text
    first: Any  # the label's main part
    second: Any  # its detail ("" when none)


_SEARCHES: dict[str, _Search] = {
    "company": _Search(("name",), ("name",), F("name"), Value("")),
    "contact": _Search(("name", "email"), ("name", "email"), F("name"), F("email")),
    "site": _Search(("name",), ("name", "address"), F("name"), Value("")),
    "equipment": _Search(
        ("serial_number", "inventory_number"),
        ("serial_number", "inventory_number", "model__name"),
        Coalesce(F("model__name"), F("kind__name")),
        F("serial_number"),
    ),
}
#: The registry rows the list's search boxes choose from.
REGISTRY_KINDS = tuple(_SEARCHES)


def _visible(user: User, kind: str) -> QuerySet[Any]:
    if kind == "company":
        return companies_visible_to(user)
    if kind == "contact":
        return contacts_visible_to(user)
    if kind == "site":
        return sites_visible_to(user)
    if kind == "equipment":
        return equipment_visible_to(user)
    raise ValueError(kind)


def registry_label(kind: str, first: str, second: str) -> str:
    """What a search box shows for a row: a contact with their e-mail, equipment with its serial."""
    if kind == "contact" and second:
        return f"{first} ({second})"
    return f"{first} {second}".strip()


#: A labelled row: (kind, id, the label's main part, its detail).
LabelRow = tuple[str, int, str, str]


def _labelled(queryset: QuerySet[Any], kind: str) -> QuerySet[Any, LabelRow]:
    search = _SEARCHES[kind]
    rows: QuerySet[Any, LabelRow] = queryset.annotate(
        s_kind=Value(kind, output_field=CharField()),
        s_id=F("id"),
        s_first=Cast(search.first, CharField()),
        s_second=Cast(search.second, CharField()),
    ).values_list("s_kind", "s_id", "s_first", "s_second")
    return rows


def _any_of(fields: tuple[str, ...], lookup: str, text: str) -> Q:
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__{lookup}": text})
    return condition


def registry_suggestions_for(
    *, user: User, kind: str, text: str, company_id: int | None = None, limit: int = SUGGESTIONS
) -> list[Suggestion]:
    """Rows of `kind` that `user` may see matching `text`: prefix matches first, at most `limit`.

    Companies, contacts (name or e-mail), sites (name) and equipment (serial or inventory
    number) whose key starts with `text` come first; the "contains" pass runs only when the
    prefix pass leaves room, and is bounded by the limit. `company_id` narrows contacts, sites
    and equipment to one company.
    """
    text = text.strip()[:100]
    if not text:
        return []
    search = _SEARCHES[kind]
    visible = _visible(user, kind)
    if company_id is not None and kind != "company":
        visible = visible.filter(company_id=company_id)
    order = ("s_first", "s_second", "s_id")
    found = list(
        _labelled(visible.filter(_any_of(search.prefix, "istartswith", text)), kind).order_by(
            *order
        )[:limit]
    )
    if len(found) < limit:
        more = _labelled(
            visible.filter(_any_of(search.contains, "icontains", text)).exclude(
                pk__in=[row[1] for row in found]
            ),
            kind,
        ).order_by(*order)[: limit - len(found)]
        found.extend(more)
    return [Suggestion(pk, registry_label(kind, first, second)) for _, pk, first, second in found]


def registry_names_for(*, user: User, ids: Mapping[str, list[int]]) -> dict[str, str]:
    """The label of the first chosen row of each kind that `user` may see (one query at most).

    `ids` maps a kind ("company", "contact", "site", "equipment") to the chosen ids; kinds
    with none are left out, and so are rows the user may not see.
    """
    parts = [
        _labelled(_visible(user, kind).filter(pk=chosen[0]), kind).order_by()
        for kind, chosen in ids.items()
        if chosen
    ]
    if not parts:
        return {}
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return {kind: registry_label(kind, first, second) for kind, _, first, second in rows}


def ticket_for_reply(*, user: User, number: int) -> Ticket:
    """The ticket with what a reply template may mention (company, contact, assignee)."""
    ticket = (
        tickets_visible_to(user)
        .select_related("company", "contact", "assignee")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise NotFound(f"ticket {number} not found")
    return ticket


@dataclass(frozen=True)
class IntakeRegistry:
    """What the intake page shows about the picked caller: who they are, their equipment, and
    their company's open tickets and last closed ones (to join a repeat call)."""

    company: Company | None
    contact: Contact | None
    equipment: Equipment | None
    company_equipment: list[Equipment]
    open_tickets: list[Ticket]
    closed_tickets: list[Ticket]


INTAKE_EQUIPMENT = 100
INTAKE_OPEN = 10
INTAKE_CLOSED = 5


def intake_registry_for(
    *, user: User, company_id: int | None, contact_id: int | None, equipment_id: int | None
) -> IntakeRegistry:
    """The picked caller's rows that `user` may see (a hidden one reads as not picked)."""
    company = companies_visible_to(user).filter(pk=company_id).first() if company_id else None
    contact = contacts_visible_to(user).filter(pk=contact_id).first() if contact_id else None
    items = equipment_visible_to(user).select_related("kind", "model")
    equipment = items.filter(pk=equipment_id).first() if equipment_id else None
    if company is None:
        return IntakeRegistry(None, contact, equipment, [equipment] if equipment else [], [], [])
    tickets = tickets_visible_to(user).filter(company_id=company.pk).select_related("status")
    return IntakeRegistry(
        company=company,
        contact=contact,
        equipment=equipment,
        company_equipment=list(
            items.filter(company_id=company.pk).order_by("pk")[:INTAKE_EQUIPMENT]
        ),
        open_tickets=list(tickets.filter(phase__in=OPEN_PHASES).order_by("-pk")[:INTAKE_OPEN]),
        closed_tickets=list(
            tickets.exclude(phase__in=OPEN_PHASES).order_by("-updated_at", "-pk")[:INTAKE_CLOSED]
        ),
    )
