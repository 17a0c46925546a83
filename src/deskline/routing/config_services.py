"""Writes for automation triggers and webhook subscriptions (admins only), with validation."""

from __future__ import annotations

import secrets
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
from deskline.routing.models import Trigger, WebhookSubscription
from deskline.tickets.models import TicketEvent

TRIGGER_FIELDS = ("name", "when", "events", "hours", "days", "status_code", "conditions",
                  "actions", "order", "is_active")  # fmt: skip
TRIGGER_ACTIONS = frozenset(
    {"set", "assign", "status_id", "comment", "webhook_id", "child", "close"}
)
WEBHOOK_FIELDS = ("name", "url", "secret", "event_kinds", "is_active", "max_attempts",
                  "disable_after")  # fmt: skip


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


def webhook_errors(values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not str(values.get("name", "")).strip():
        errors["name"] = "must not be empty"
    if not str(values.get("url", "")).startswith(("http://", "https://")):
        errors["url"] = "must be an http or https URL"
    kinds = values.get("event_kinds", [])
    if not isinstance(kinds, list) or set(kinds) - set(TicketEvent.Kind.values):
        errors["event_kinds"] = f"a list of {sorted(TicketEvent.Kind.values)}"
    for key in ("max_attempts", "disable_after"):
        if key in values and not 1 <= int(values[key]) <= 100:
            errors[key] = "between 1 and 100"
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
def webhook_save(
    *, actor: User, values: Mapping[str, Any], subscription_id: int | None = None
) -> WebhookSubscription:
    """Create or change a subscription; re-enabling one clears its failure streak."""
    require_admin(actor)
    sub = _get(WebhookSubscription, subscription_id) if subscription_id else WebhookSubscription()
    values = {k: v for k, v in values.items() if k in WEBHOOK_FIELDS}
    if sub.pk is None and not values.get("secret"):
        values["secret"] = secrets.token_urlsafe(32)
    merged = {f: getattr(sub, f) for f in WEBHOOK_FIELDS} | dict(values)
    if values.get("is_active") and not sub.is_active:
        sub.consecutive_failures, sub.disabled_at, sub.disabled_reason = 0, None, ""
    saved: WebhookSubscription = _save(sub, values, webhook_errors(merged))
    return saved


@transaction.atomic
def trigger_delete(*, actor: User, trigger_id: int) -> None:
    require_admin(actor)
    _get(Trigger, trigger_id).delete()


@transaction.atomic
def webhook_delete(*, actor: User, subscription_id: int) -> None:
    require_admin(actor)
    _get(WebhookSubscription, subscription_id).delete()
