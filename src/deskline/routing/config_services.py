"""Writes for automation triggers (admins only), with validation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Model

from deskline.accounts.models import User
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.permissions import require_admin
from deskline.core.records import save_checked
from deskline.routing import matching
from deskline.routing.automation import EVENT_NAMES
from deskline.routing.models import Trigger
from deskline.tickets.models import Status

TRIGGER_FIELDS = ("name", "when", "events", "hours", "days", "status_code", "conditions",
                  "actions", "order", "is_active")  # fmt: skip
TRIGGER_ACTIONS = frozenset(
    {"set", "assign", "status_id", "comment", "webhook_id", "child", "close"}
)


def trigger_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """Field errors of a trigger's values (an empty dict when it is valid)."""
    errors: dict[str, str] = {}
    when = values.get("when", Trigger.When.EVENT)
    if not str(values.get("name", "")).strip():
        errors["name"] = "must not be empty"
    if when not in Trigger.When.values:
        errors["when"] = f"one of {sorted(Trigger.When.values)}"
    events = values.get("events") or []
    if when == Trigger.When.EVENT:
        unknown = (
            [e for e in events if e not in EVENT_NAMES] if isinstance(events, list) else events
        )
        if not events or unknown:
            errors["events"] = f"a non-empty list of {sorted(EVENT_NAMES)}"
    if when == Trigger.When.TIME_IN_STATUS and not values.get("hours"):
        errors["hours"] = "a positive number of hours is required"
    if when == Trigger.When.NO_CLIENT_REPLY and not values.get("days"):
        errors["days"] = "a positive number of days is required"
    status_code = values.get("status_code") or ""
    if status_code and not Status.objects.filter(code=status_code).exists():
        errors["status_code"] = f"no status with code {status_code!r}"
    try:
        matching.validate_conditions(values.get("conditions", []))
    except matching.ConditionError as exc:
        errors.update(exc.errors)
    actions = values.get("actions", {})
    if not isinstance(actions, Mapping):
        errors["actions"] = "must be an object"
    else:
        for key in set(actions) - TRIGGER_ACTIONS:
            errors[f"actions.{key}"] = f"unknown action; one of {sorted(TRIGGER_ACTIONS)}"
        for key in {"set", "assign", "child"} & set(actions):
            if not isinstance(actions[key], Mapping):
                errors[f"actions.{key}"] = "must be an object"
    return errors


def _get(model: type[Model], pk: int) -> Any:
    row = model._default_manager.filter(pk=pk).first()
    if row is None:
        raise NotFound(f"{model.__name__.lower()} {pk} not found")
    return row


def _save(row: Model, values: Mapping[str, Any], errors: dict[str, str]) -> Any:
    if errors:
        raise ValidationFailed("the values are not valid", fields=errors)
    for key, value in values.items():
        setattr(row, key, value)
    return save_checked(row)


@transaction.atomic
def trigger_save(
    *, actor: User, values: Mapping[str, Any], trigger_id: int | None = None
) -> Trigger:
    """Create a trigger, or change one (only the given fields)."""
    require_admin(actor)
    trigger = _get(Trigger, trigger_id) if trigger_id is not None else Trigger()
    values = {k: v for k, v in values.items() if k in TRIGGER_FIELDS}
    merged = {f: getattr(trigger, f) for f in TRIGGER_FIELDS} | dict(values)
    errors = trigger_errors(merged)
    if Trigger.objects.filter(name=merged["name"]).exclude(pk=trigger.pk).exists():
        errors["name"] = "another trigger has it"
    saved: Trigger = _save(trigger, values, errors)
    return saved


@transaction.atomic
def trigger_delete(*, actor: User, trigger_id: int) -> None:
    require_admin(actor)
    _get(Trigger, trigger_id).delete()
