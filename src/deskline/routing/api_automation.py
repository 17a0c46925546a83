"""REST endpoints for automation triggers and webhook subscriptions (admins only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as Created

from deskline.accounts.api_auth import request_user
from deskline.core.permissions import require_admin
from deskline.core.schema import InSchema
from deskline.routing import config_services
from deskline.routing.models import Trigger, WebhookDelivery, WebhookSubscription

router = Router(tags=["routing"])


class TriggerIn(InSchema):
    name: str | None = None
    when: str | None = None
    events: list[str] | None = None
    hours: int | None = None
    days: int | None = None
    status_code: str | None = None
    conditions: list[Any] | None = None
    actions: dict[str, Any] | None = None
    order: int | None = None
    is_active: bool | None = None


class TriggerOut(Schema):
    id: int
    name: str
    when: str
    events: list[str]
    hours: int | None
    days: int | None
    status_code: str
    conditions: list[Any]
    actions: dict[str, Any]
    order: int
    is_active: bool


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


@router.get("/triggers", response=list[TriggerOut])
def triggers(request: HttpRequest) -> Any:
    require_admin(request_user(request))
    return Trigger.objects.all()


@router.post("/triggers", response={201: TriggerOut})
def trigger_create(request: HttpRequest, payload: TriggerIn) -> Any:
    return Created(
        201, config_services.trigger_save(actor=request_user(request), values=_given(payload))
    )


@router.patch("/triggers/{trigger_id}", response=TriggerOut)
def trigger_update(request: HttpRequest, trigger_id: int, payload: TriggerIn) -> Any:
    return config_services.trigger_save(
        actor=request_user(request), values=_given(payload), trigger_id=trigger_id
    )


@router.delete("/triggers/{trigger_id}", response={204: None})
def trigger_delete(request: HttpRequest, trigger_id: int) -> Any:
    config_services.trigger_delete(actor=request_user(request), trigger_id=trigger_id)
    return Created(204, None)


@router.get("/webhooks", response=list[WebhookOut])
def webhooks(request: HttpRequest) -> Any:
    require_admin(request_user(request))
    return WebhookSubscription.objects.order_by("pk")


@router.post("/webhooks", response={201: WebhookCreated}, summary="Subscribe (the secret is shown)")
def webhook_create(request: HttpRequest, payload: WebhookIn) -> Any:
    return Created(
        201, config_services.webhook_save(actor=request_user(request), values=_given(payload))
    )


@router.patch("/webhooks/{subscription_id}", response=WebhookOut)
def webhook_update(request: HttpRequest, subscription_id: int, payload: WebhookIn) -> Any:
    return config_services.webhook_save(
        actor=request_user(request), values=_given(payload), subscription_id=subscription_id
    )


@router.delete("/webhooks/{subscription_id}", response={204: None})
def webhook_delete(request: HttpRequest, subscription_id: int) -> Any:
    config_services.webhook_delete(actor=request_user(request), subscription_id=subscription_id)
    return Created(204, None)


@router.get("/webhooks/{subscription_id}/deliveries", response=list[DeliveryOut])
def deliveries(request: HttpRequest, subscription_id: int, limit: int = 50) -> Any:
    require_admin(request_user(request))
    rows = WebhookDelivery.objects.filter(subscription_id=subscription_id)
    return rows[: max(1, min(limit, 500))]
