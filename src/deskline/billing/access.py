"""Who may see and change billing data: the one place that scopes charges and acts by role.

Staff see a ticket's charges when they see the ticket; client users see them (read-only) only
when their company is set to see prices. Acts follow the tickets: those who see every ticket see
every act, agents and contractors the acts of tickets they see, a client user the issued acts of
their own company when it sees prices (never drafts, never another company's).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from deskline.accounts.models import User
from deskline.billing.models import Act, ActStatus
from deskline.billing.selectors import company_sees_prices
from deskline.core.errors import NotFound, PermissionDenied
from deskline.core.permissions import is_client, require_staff
from deskline.core.roles import ROLES_SEEING_ALL, Role
from deskline.tickets.access import contact_for_client, ticket_get_visible, tickets_visible_to
from deskline.tickets.models import Ticket


def ticket_for_charges(user: User, number: int, *, write: bool = False) -> Ticket:
    """The ticket whose charges `user` reads (or, with `write`, changes)."""
    ticket = ticket_get_visible(user, number)
    if write:
        require_staff(user)
    elif is_client(user) and not company_sees_prices(ticket.company_id):
        raise PermissionDenied("prices are not shown to this company")
    return ticket


def client_company_id(user: User) -> int | None:
    """The company whose acts a client user may see: theirs, if it sees prices."""
    try:
        contact = contact_for_client(user)
    except PermissionDenied:
        return None
    if contact.company_id is None:
        return None
    return contact.company_id if company_sees_prices(contact.company_id) else None


def act_visibility(user: User) -> Q | None:
    """A filter selecting the acts `user` may see; None means all of them."""
    if not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser or user.role in ROLES_SEEING_ALL:
        return None
    if user.role == Role.CONTACT:
        company_id = client_company_id(user)
        if company_id is None:
            return Q(pk__in=[])
        return Q(company_id=company_id) & ~Q(status=ActStatus.DRAFT)
    return Q(ticket__in=tickets_visible_to(user).values("pk"))


def acts_visible_to(user: User) -> QuerySet[Act]:
    condition = act_visibility(user)
    acts = Act.objects.all()
    return acts if condition is None else acts.filter(condition)


def act_get_visible(user: User, act_id: int) -> Act:
    act = acts_visible_to(user).filter(pk=act_id).first()
    if act is None:
        raise NotFound(f"act {act_id} not found")
    return act


def require_act_issuer(user: User) -> None:
    """Agents and above issue and sign acts; contractors and clients do not."""
    require_staff(user)
    if user.role == Role.CONTRACTOR and not user.is_superuser:
        raise PermissionDenied("contractors do not issue acts")


def require_act_canceller(user: User) -> None:
    if not (user.is_superuser or user.role in ROLES_SEEING_ALL):
        raise PermissionDenied("only administrators, supervisors and dispatchers cancel acts")
