"""Reads of ticket reference data, scoped by who asks (clients see only what concerns them)."""

from __future__ import annotations

from django.db.models import QuerySet

from deskline.accounts.models import STAFF_ROLES, Team, User
from deskline.core.permissions import require_staff
from deskline.tickets.models import CustomField, TicketType


def ticket_types_for(user: User) -> QuerySet[TicketType]:
    types = TicketType.objects.all()
    return types.filter(open_to_clients=True) if user.is_client else types


def custom_fields_for(user: User) -> QuerySet[CustomField]:
    rows = CustomField.objects.prefetch_related("ticket_types")
    return rows.filter(visible_to_clients=True) if user.is_client else rows


def teams_for(user: User) -> QuerySet[Team]:
    require_staff(user)
    return Team.objects.prefetch_related("members")


def staff_users_for(user: User) -> QuerySet[User]:
    require_staff(user)
    return User.objects.filter(role__in=STAFF_ROLES, is_system=False).order_by("username")
