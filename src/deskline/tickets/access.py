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


def visibility_filter(user: User) -> Q | None:
    """A filter selecting the tickets `user` may see; None means all of them."""
    if not user.is_active:
        return Q(pk__in=[])
    if user.sees_all_tickets:
        return None
    if user.role == Role.CONTACT:
        contact = _contact_of(user)
        if contact is None or not contact.is_active:
            return Q(pk__in=[])
        if contact.sees_company_tickets and contact.company_id is not None:
            return Q(company_id=contact.company_id)
        return Q(contact_id=contact.pk)
    team_ids = list(user.teams.values_list("id", flat=True))
    observing = Ticket.observers.through.objects.filter(ticket_id=OuterRef("pk"), user_id=user.pk)
    mine = Q(assignee_id=user.pk) | Q(team_id__in=team_ids) | Q(Exists(observing))
    if user.role == Role.CONTRACTOR:
        return mine
    # Agents also see the unrouted queue so that the first line can pick tickets up.
    return mine | Q(team__isnull=True)


def tickets_visible_to(user: User) -> QuerySet[Ticket]:
    condition = visibility_filter(user)
    queryset = Ticket.objects.all()
    return queryset if condition is None else queryset.filter(condition)


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
