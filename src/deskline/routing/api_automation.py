"""REST endpoints for automation triggers (admins only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as Created

from deskline.accounts.api_auth import request_user
from deskline.core.permissions import require_admin
from deskline.core.schema import InSchema
from deskline.routing import config_services
from deskline.routing.models import Trigger

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
