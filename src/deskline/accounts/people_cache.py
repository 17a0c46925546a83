"""The staff the desk's pickers offer (assignee, observers), cached per process.

Every ticket page and list offers the same few dozen agents; reading and building them on each
request cost a query and a model per agent. They are kept in `core.refcache` like the other
reference rows: a save or delete of a user (other than the login stamp, `last_login`) bumps its
token, so every process reloads them at its next check (`DESKLINE_REFERENCE_CHECK_SECONDS`).
A bulk write of users that sends no signals (`bulk_create`, `update`) must call
`refcache.bump()` itself, as the demo does.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from deskline.accounts.models import STAFF_ROLES, User
from deskline.core import refcache

#: A save that changes only these fields changes nothing a picker shows.
_UNSHOWN = frozenset({"last_login"})


def staff_users() -> QuerySet[User]:
    """Active staff who may be offered as assignees and observers, by name (never system users)."""
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES, is_system=False).order_by(
        "first_name", "last_name", "username"
    )


def staff_cached() -> list[User]:
    """`staff_users()`, from this process's reference cache (read-only rows, shared)."""
    return refcache.cached("accounts.staff", lambda: list(staff_users()))


def staff_by_id() -> dict[int, User]:
    return refcache.cached("accounts.staff_by_id", lambda: {u.pk: u for u in staff_cached()})


def user_changed(sender: Any, **kwargs: Any) -> None:
    """Signal receiver: a user row changed, so the cached staff may be stale."""
    fields = kwargs.get("update_fields")
    if kwargs.get("raw") or (fields and set(fields) <= _UNSHOWN):
        return
    refcache.bump()
