"""Writes of the desk's own data: an agent's saved filters (create, rename, delete).

Only the owner may change a saved filter; anyone else gets "not found", so ids reveal nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from deskline.accounts.models import User
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.permissions import require_staff
from deskline.desk.filtering import clean_params
from deskline.desk.models import SavedFilter

MAX_SAVED_FILTERS = 50
NAME_MAX = SavedFilter._meta.get_field("name").max_length or 80


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed("a name is required", fields={"name": "required"})
    if len(name) > NAME_MAX:
        raise ValidationFailed("the name is too long", fields={"name": f"at most {NAME_MAX}"})
    return name


def _name_taken(owner: User, name: str, *, exclude_id: int | None = None) -> bool:
    rows = SavedFilter.objects.annotate(lname=Lower("name")).filter(owner=owner, lname=name.lower())
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    return rows.exists()


def _taken() -> ValidationFailed:
    return ValidationFailed(
        "you already have a filter with this name", fields={"name": "already used"}
    )


def _own(actor: User, filter_id: int) -> SavedFilter:
    row = SavedFilter.objects.select_for_update().filter(pk=filter_id, owner=actor).first()
    if row is None:
        raise NotFound(f"saved filter {filter_id} not found")
    return row


@transaction.atomic
def saved_filter_create(*, actor: User, name: str, params: Mapping[str, Any]) -> SavedFilter:
    """Save the list filters `params` (a query string's values) under `name` for `actor`."""
    require_staff(actor)
    name = _clean_name(name)
    if SavedFilter.objects.filter(owner=actor).count() >= MAX_SAVED_FILTERS:
        raise ValidationFailed(
            "too many saved filters", fields={"name": f"at most {MAX_SAVED_FILTERS}"}
        )
    if _name_taken(actor, name):
        raise _taken()
    try:
        with transaction.atomic():
            return SavedFilter.objects.create(owner=actor, name=name, params=clean_params(params))
    except IntegrityError as exc:  # the same name saved at the same moment
        raise _taken() from exc


@transaction.atomic
def saved_filter_rename(*, actor: User, filter_id: int, name: str) -> SavedFilter:
    row = _own(actor, filter_id)
    name = _clean_name(name)
    if _name_taken(actor, name, exclude_id=row.pk):
        raise _taken()
    row.name = name
    try:
        with transaction.atomic():
            row.save(update_fields=["name"])
    except IntegrityError as exc:
        raise _taken() from exc
    return row


@transaction.atomic
def saved_filter_delete(*, actor: User, filter_id: int) -> None:
    _own(actor, filter_id).delete()
