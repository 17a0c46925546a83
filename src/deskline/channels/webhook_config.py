"""Writes for outgoing webhook subscriptions (admins only), with validation."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from deskline.accounts.models import User
from deskline.channels.webhook_models import WebhookSubscription
from deskline.core import egress
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.permissions import require_admin
from deskline.core.records import save_checked
from deskline.tickets.payloads import known_kinds

WEBHOOK_FIELDS = ("name", "url", "secret", "event_kinds", "is_active", "max_attempts",
                  "disable_after")  # fmt: skip


def webhook_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """Field errors of a subscription's values (an empty dict when they are valid)."""
    errors: dict[str, str] = {}
    if not str(values.get("name", "")).strip():
        errors["name"] = "must not be empty"
    url = str(values.get("url", ""))
    if not url.startswith(("http://", "https://")):
        errors["url"] = "must be an http or https URL"
    else:
        try:
            egress.check_host(url)  # deliveries go through the same guard (core.egress)
        except egress.EgressRefused as exc:
            errors["url"] = str(exc)
    kinds = values.get("event_kinds", [])
    if not isinstance(kinds, list) or set(kinds) - set(known_kinds()):
        errors["event_kinds"] = f"a list of {sorted(known_kinds())}"
    for key in ("max_attempts", "disable_after"):
        if key in values and not 1 <= int(values[key]) <= 100:
            errors[key] = "between 1 and 100"
    return errors


def _subscription(subscription_id: int) -> WebhookSubscription:
    row = WebhookSubscription.objects.filter(pk=subscription_id).first()
    if row is None:
        raise NotFound(f"webhook subscription {subscription_id} not found")
    return row


@transaction.atomic
def webhook_save(
    *, actor: User, values: Mapping[str, Any], subscription_id: int | None = None
) -> WebhookSubscription:
    """Create or change a subscription; re-enabling one clears its failure streak."""
    require_admin(actor)
    sub = _subscription(subscription_id) if subscription_id else WebhookSubscription()
    values = {k: v for k, v in values.items() if k in WEBHOOK_FIELDS}
    if sub.pk is None and not values.get("secret"):
        values["secret"] = secrets.token_urlsafe(32)
    merged = {f: getattr(sub, f) for f in WEBHOOK_FIELDS} | dict(values)
    if values.get("is_active") and not sub.is_active:
        sub.consecutive_failures, sub.disabled_at, sub.disabled_reason = 0, None, ""
    errors = webhook_errors(merged)
    if errors:
        raise ValidationFailed("the values are not valid", fields=errors)
    for key, value in values.items():
        setattr(sub, key, value)
    return save_checked(sub)


@transaction.atomic
def webhook_delete(*, actor: User, subscription_id: int) -> None:
    require_admin(actor)
    _subscription(subscription_id).delete()
