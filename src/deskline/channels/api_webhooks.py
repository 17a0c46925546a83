"""REST endpoints for outgoing webhook subscriptions and their delivery log (admins only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as Created

from deskline.accounts.api_auth import request_user
from deskline.channels import webhook_config
from deskline.channels.webhook_models import WebhookDelivery, WebhookSubscription
from deskline.core.permissions import require_admin
from deskline.core.schema import InSchema

router = Router(tags=["webhooks"])


class WebhookIn(InSchema):
    name: str | None = None
    url: str | None = None
    secret: str | None = None
    event_kinds: list[str] | None = None
    is_active: bool | None = None
    max_attempts: int | None = None
    disable_after: int | None = None


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    event_kinds: list[str]
    is_active: bool
    max_attempts: int
    disable_after: int
    consecutive_failures: int
    disabled_at: dt.datetime | None
    disabled_reason: str


class WebhookCreated(WebhookOut):
    secret: str


class DeliveryOut(Schema):
    id: int
    event_id: int | None
    state: str
    attempts: int
    last_status: int | None
    last_error: str
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None


def _given(payload: Schema) -> dict[str, Any]:
    return {k: v for k, v in payload.dict().items() if v is not None}


@router.get("/webhooks", response=list[WebhookOut])
def webhooks(request: HttpRequest) -> Any:
    require_admin(request_user(request))
    return WebhookSubscription.objects.order_by("pk")


@router.post("/webhooks", response={201: WebhookCreated}, summary="Subscribe (the secret is shown)")
def webhook_create(request: HttpRequest, payload: WebhookIn) -> Any:
    return Created(
        201, webhook_config.webhook_save(actor=request_user(request), values=_given(payload))
    )


@router.patch("/webhooks/{subscription_id}", response=WebhookOut)
def webhook_update(request: HttpRequest, subscription_id: int, payload: WebhookIn) -> Any:
    return webhook_config.webhook_save(
        actor=request_user(request), values=_given(payload), subscription_id=subscription_id
    )


@router.delete("/webhooks/{subscription_id}", response={204: None})
def webhook_delete(request: HttpRequest, subscription_id: int) -> Any:
    webhook_config.webhook_delete(actor=request_user(request), subscription_id=subscription_id)
    return Created(204, None)


@router.get("/webhooks/{subscription_id}/deliveries", response=list[DeliveryOut])
def deliveries(request: HttpRequest, subscription_id: int, limit: int = 50) -> Any:
    require_admin(request_user(request))
    rows = WebhookDelivery.objects.filter(subscription_id=subscription_id)
    return rows[: max(1, min(limit, 500))]
