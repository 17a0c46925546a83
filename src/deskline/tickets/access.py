"""Who may see and change which tickets: the one place that scopes tickets by role."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from deskline.accounts.models import Role, User
from deskline.clients.models import Contact
from deskline.core.errors import NotFound, PermissionDenied
from deskline.tickets.models import Ticket


def _contact_of(user: User) -> Contact | None:
    try:
        return user.contact
    except Contact.DoesNotExist:
        return None


def visibility_scope(user: User) -> tuple[str, dict[str, Any]]:
    """What decides the tickets `user` may see: a kind ("all", "none", "company", "contact",
    "agent", "contractor") and the ids it needs (`scope_filter` turns them into the filter).
    Split from the filter so that a prepared query (`core.prepared`) can take the ids as values
    and the kind as its shape."""
    if not user.is_active:
        return "none", {}
    if user.sees_all_tickets:
        return "all", {}
    if user.role == Role.CONTACT:
        contact = _contact_of(user)
        if contact is None or not contact.is_active:
            return "none", {}
        if contact.sees_company_tickets and contact.company_id is not None:
            return "company", {"company_id": contact.company_id}
        return "contact", {"contact_id": contact.pk}
    team_ids = list(user.teams.values_list("id", flat=True))
    kind = "contractor" if user.role == Role.CONTRACTOR else "agent"
    return kind, {"user_id": user.pk, "team_ids": team_ids}


def scope_filter(
    kind: str,
    *,
    company_id: int | None = None,
    contact_id: int | None = None,
    user_id: int = 0,
    team_ids: list[int] | None = None,
) -> Q | None:
    """The filter of a `visibility_scope`; None means every ticket."""
    if kind == "all":
        return None
    if kind == "company":
        return Q(company_id=company_id)
    if kind == "contact":
        return Q(contact_id=contact_id)
    if kind not in ("agent", "contractor"):
        return Q(pk__in=[])
    observing = Ticket.observers.through.objects.filter(ticket_id=OuterRef("pk"), user_id=user_id)
    mine = Q(assignee_id=user_id) | Q(team_id__in=team_ids or []) | Q(Exists(observing))
    if kind == "contractor":
        return mine
    # Agents also see the unrouted queue so that the first line can pick tickets up.
    return mine | Q(team__isnull=True)


def visibility_filter(user: User) -> Q | None:
    """A filter selecting the tickets `user` may see; None means all of them."""
    kind, values = visibility_scope(user)
    return scope_filter(kind, **values)


def tickets_in_scope(kind: str, **values: Any) -> QuerySet[Ticket]:
    """The tickets of a `visibility_scope` (its kind and ids)."""
    condition = scope_filter(kind, **values)
    queryset = Ticket.objects.all()
    return queryset if condition is None else queryset.filter(condition)


def tickets_visible_to(user: User) -> QuerySet[Ticket]:
    kind, values = visibility_scope(user)
    return tickets_in_scope(kind, **values)


def registry_values_on_visible_tickets(user: User, column: str) -> QuerySet[Any]:
    """The values of `column` (company_id, contact_id, ...) over the tickets `user` may see."""
    visible: QuerySet[Any] = tickets_visible_to(user).exclude(**{f"{column}__isnull": True})
    return visible.values(column)


def ticket_get_visible(user: User, number: int) -> Ticket:
    """The ticket with `number` if `user` may see it; otherwise NotFound (never revealing it)."""
    ticket = tickets_visible_to(user).filter(number=number).first()
    if ticket is None:
        raise NotFound(f"ticket {number} not found")
    return ticket


def contact_for_client(user: User) -> Contact:
    contact = _contact_of(user)
    if contact is None or not contact.is_active:
        raise PermissionDenied("this login is not linked to an active contact")
    return contact
