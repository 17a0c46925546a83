"""Writes of ticket reference data through the API (the admin edits the same rows)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from deskline.accounts.models import User
from deskline.core.errors import ValidationFailed
from deskline.core.permissions import require_admin
from deskline.core.records import save_checked
from deskline.tickets.models import Category, Phase, Status, StatusTransition


@transaction.atomic
def status_create(
    *,
    actor: User,
    code: str,
    name: str,
    phase: str,
    name_ru: str = "",
    color: str = "#6b7280",
    order: int = 0,
) -> Status:
    require_admin(actor)
    if phase not in Phase.values:
        raise ValidationFailed(
            "unknown phase", fields={"phase": f"one of {', '.join(Phase.values)}"}
        )
    if Status.objects.filter(code=code).exists():
        raise ValidationFailed("the code is taken", fields={"code": "already exists"})
    status = Status(code=code, name=name, name_ru=name_ru, phase=phase, color=color, order=order)
    return save_checked(status, "the status is not valid")


@transaction.atomic
def transition_create(
    *,
    actor: User,
    from_status_id: int,
    to_status_id: int,
    comment_required: bool = False,
    clients_may_use: bool = False,
) -> StatusTransition:
    require_admin(actor)
    known = set(
        Status.objects.filter(pk__in=[from_status_id, to_status_id]).values_list("pk", flat=True)
    )
    errors = {
        f: "unknown status"
        for f, v in (("from_status_id", from_status_id), ("to_status_id", to_status_id))
        if v not in known
    }
    if from_status_id == to_status_id:
        errors["to_status_id"] = "must differ from from_status_id"
    if errors:
        raise ValidationFailed("invalid transition", fields=errors)
    try:
        with transaction.atomic():
            return StatusTransition.objects.create(
                from_status_id=from_status_id, to_status_id=to_status_id,
                comment_required=comment_required, clients_may_use=clients_may_use,
            )  # fmt: skip
    except IntegrityError as exc:
        raise ValidationFailed(
            "this transition exists", fields={"to_status_id": "already allowed"}
        ) from exc


@transaction.atomic
def category_create(*, actor: User, name: str, parent_id: int | None = None) -> Category:
    require_admin(actor)
    if not name.strip():
        raise ValidationFailed("name is required", fields={"name": "must not be empty"})
    if parent_id is not None and not Category.objects.filter(pk=parent_id).exists():
        raise ValidationFailed("unknown parent", fields={"parent_id": f"no category {parent_id}"})
    return save_checked(
        Category(name=name.strip(), parent_id=parent_id), "the category is not valid"
    )
