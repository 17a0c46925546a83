"""Reads for the desk pages that no domain app offers: saved filters, company suggestions,
and the one ticket a reply template is filled from.
"""

from __future__ import annotations

from django.db.models import QuerySet

from deskline.accounts.models import User
from deskline.clients.models import Company
from deskline.clients.selectors import client_scope
from deskline.core.errors import NotFound
from deskline.desk.models import SavedFilter
from deskline.tickets.access import tickets_visible_to
from deskline.tickets.models import Ticket

SUGGESTIONS = 10


def saved_filters_for(*, user: User) -> list[SavedFilter]:
    """The user's own saved filters, by name."""
    return list(SavedFilter.objects.filter(owner=user))


def saved_filter_get_for(*, user: User, filter_id: int) -> SavedFilter:
    """One of the user's saved filters; anyone else's is "not found"."""
    row = SavedFilter.objects.filter(pk=filter_id, owner=user).first()
    if row is None:
        raise NotFound(f"saved filter {filter_id} not found")
    return row


def _companies_visible_to(user: User) -> QuerySet[Company]:
    scope = client_scope(user)
    if scope is None:
        return Company.objects.all()
    if scope.company_id is None:
        return Company.objects.none()
    return Company.objects.filter(pk=scope.company_id)


def company_suggestions_for(*, user: User, text: str, limit: int = SUGGESTIONS) -> list[Company]:
    """Companies whose name starts with `text`, then those containing it, at most `limit`.

    The prefix match uses an index (see clients migration 0002 on PostgreSQL); the
    "contains" pass runs only when the prefix pass leaves room, over a table of companies
    (thousands of rows, not millions), and is bounded by the limit.
    """
    text = text.strip()[:100]
    if not text:
        return []
    visible = _companies_visible_to(user).only("id", "name")
    found = list(visible.filter(name__istartswith=text).order_by("name", "id")[:limit])
    if len(found) < limit:
        more = (
            visible.filter(name__icontains=text)
            .exclude(pk__in=[c.pk for c in found])
            .order_by("name", "id")[: limit - len(found)]
        )
        found.extend(more)
    return found


def company_names_for(*, user: User, ids: list[int]) -> dict[int, str]:
    """Names of the given companies that the user may see, by id."""
    if not ids:
        return {}
    return dict(_companies_visible_to(user).filter(pk__in=ids).values_list("id", "name"))


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
