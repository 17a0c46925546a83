"""Role checks every service runs before it reads or writes: one place, no ORM.

An actor is anything with `role`, `is_superuser` and `is_active` (the accounts app's User).
Row-level scoping (which tickets, which companies) belongs to each app's selectors; these are
the coarse gates in front of them.
"""

from __future__ import annotations

from typing import Protocol

from deskline.core.errors import PermissionDenied
from deskline.core.roles import (
    ADMIN_ROLES,
    REGISTRY_WRITER_ROLES,
    ROLES_SEEING_ALL,
    STAFF_ROLES,
    Role,
)


class Actor(Protocol):
    role: str
    is_superuser: bool
    is_active: bool


def is_staff(actor: Actor) -> bool:
    return actor.is_superuser or actor.role in STAFF_ROLES


def is_admin(actor: Actor) -> bool:
    return actor.is_superuser or actor.role in ADMIN_ROLES


def is_client(actor: Actor) -> bool:
    return actor.role == Role.CONTACT and not actor.is_superuser


def require_staff(actor: Actor) -> None:
    if not is_staff(actor):
        raise PermissionDenied("clients may not do this")


def require_admin(actor: Actor) -> None:
    if not is_admin(actor):
        raise PermissionDenied("only administrators and supervisors may do this")


def require_registry_writer(actor: Actor) -> None:
    if not (actor.is_superuser or actor.role in REGISTRY_WRITER_ROLES):
        raise PermissionDenied("only administrators, supervisors and dispatchers may do this")


def handles_invoices(actor: Actor) -> bool:
    """Invoices, payments and balances are for those who see every act."""
    return actor.is_superuser or actor.role in ROLES_SEEING_ALL


def require_report_reader(actor: Actor) -> None:
    """Reports show every company's and every agent's figures: those who see all tickets."""
    if not (actor.is_superuser or actor.role in ROLES_SEEING_ALL):
        raise PermissionDenied("only administrators, supervisors and dispatchers read reports")
