"""REST endpoints of the routing app: rule sets, rules, the dry run, line escalation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as Created

from deskline.accounts.api_auth import request_user
from deskline.core.errors import NotFound
from deskline.core.permissions import require_admin
from deskline.core.schema import InSchema
from deskline.routing import presence, rules, services
from deskline.routing.api_automation import router as automation_router
from deskline.routing.models import Rule, RuleSet

router = Router(tags=["routing"])


class RuleSetIn(InSchema):
    name: str
    mode: str = "first_match"
    order: int = 0
    is_active: bool = True


class RuleSetPatch(InSchema):
    name: str | None = None
    mode: str | None = None
    order: int | None = None
    is_active: bool | None = None


class RuleSetOut(Schema):
    id: int
    name: str
    mode: str
    order: int
    is_active: bool


class RoutingRuleIn(InSchema):
    rule_set_id: int
    name: str
    order: int = 0
    conditions: list[Any] = []
    actions: dict[str, Any] = {}
    is_active: bool = True


class RulePatch(InSchema):
    rule_set_id: int | None = None
    name: str | None = None
    order: int | None = None
    conditions: list[Any] | None = None
    actions: dict[str, Any] | None = None
    is_active: bool | None = None


class RoutingRuleOut(Schema):
    id: int
    rule_set_id: int
    name: str
    order: int
    conditions: list[Any]
    actions: dict[str, Any]
    is_active: bool


class DryRunIn(InSchema):
    title: str = ""
    description: str = ""
    channel: str | None = None
    type_id: int | None = None
    category_id: int | None = None
    priority_id: int | None = None
    company_id: int | None = None
    contact_id: int | None = None
    site_id: int | None = None
    equipment_id: int | None = None
    contract_id: int | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    custom_fields: dict[str, Any] = {}
    working_hours: bool | None = None
    at: dt.datetime | None = None


class EscalateIn(InSchema):
    direction: str
    reason: str
    team_id: int | None = None


def _patch(payload: Schema) -> dict[str, Any]:
    return {k: v for k, v in payload.dict().items() if v is not None}


@router.get("/rule-sets", response=list[RuleSetOut])
def rule_sets(request: HttpRequest) -> Any:
    require_admin(request_user(request))
    return RuleSet.objects.all()


@router.post("/rule-sets", response={201: RuleSetOut})
def rule_set_create(request: HttpRequest, payload: RuleSetIn) -> Any:
    return Created(201, rules.rule_set_create(actor=request_user(request), **payload.dict()))


@router.get("/rule-sets/{rule_set_id}", response=RuleSetOut)
def rule_set_get(request: HttpRequest, rule_set_id: int) -> Any:
    require_admin(request_user(request))
    row = RuleSet.objects.filter(pk=rule_set_id).first()
    if row is None:
        raise NotFound(f"rule set {rule_set_id} not found")
    return row


@router.patch("/rule-sets/{rule_set_id}", response=RuleSetOut)
def rule_set_update(request: HttpRequest, rule_set_id: int, payload: RuleSetPatch) -> Any:
    return rules.rule_set_update(
        actor=request_user(request), rule_set_id=rule_set_id, changes=_patch(payload)
    )


@router.delete("/rule-sets/{rule_set_id}", response={204: None})
def rule_set_delete(request: HttpRequest, rule_set_id: int) -> Any:
    rules.rule_set_delete(actor=request_user(request), rule_set_id=rule_set_id)
    return Created(204, None)


@router.get("/rules", response=list[RoutingRuleOut])
def rule_list(request: HttpRequest, rule_set_id: int | None = None) -> Any:
    require_admin(request_user(request))
    rows = Rule.objects.all()
    return rows if rule_set_id is None else rows.filter(rule_set_id=rule_set_id)


@router.post("/rules", response={201: RoutingRuleOut})
def rule_create(request: HttpRequest, payload: RoutingRuleIn) -> Any:
    return Created(201, rules.rule_create(actor=request_user(request), **payload.dict()))


@router.get("/rules/{rule_id}", response=RoutingRuleOut)
def rule_get(request: HttpRequest, rule_id: int) -> Any:
    require_admin(request_user(request))
    row = Rule.objects.filter(pk=rule_id).first()
    if row is None:
        raise NotFound(f"rule {rule_id} not found")
    return row


@router.patch("/rules/{rule_id}", response=RoutingRuleOut)
def rule_update(request: HttpRequest, rule_id: int, payload: RulePatch) -> Any:
    return rules.rule_update(actor=request_user(request), rule_id=rule_id, changes=_patch(payload))


@router.delete("/rules/{rule_id}", response={204: None})
def rule_delete(request: HttpRequest, rule_id: int) -> Any:
    rules.rule_delete(actor=request_user(request), rule_id=rule_id)
    return Created(204, None)


@router.post("/dry-run", summary="Which rules match these ticket fields, and what they would set")
def dry_run(request: HttpRequest, payload: DryRunIn) -> dict[str, Any]:
    return rules.routing_dry_run(actor=request_user(request), fields=payload.dict())


@router.post("/tickets/{number}/escalate", summary="Move a ticket to the next or previous line")
def escalate(request: HttpRequest, number: int, payload: EscalateIn) -> dict[str, Any]:
    ticket = services.line_escalate(actor=request_user(request), number=number, **payload.dict())
    return {"number": ticket.number, "team_id": ticket.team_id, "assignee_id": ticket.assignee_id}


class PresenceIn(InSchema):
    is_away: bool
    away_until: dt.datetime | None = None


class CheckInIn(InSchema):
    latitude: float
    longitude: float


class ProfileOut(Schema):
    user_id: int
    is_away: bool
    away_until: dt.datetime | None
    capacity: int | None
    checkin_latitude: float | None
    checkin_longitude: float | None
    checkin_at: dt.datetime | None


@router.post("/me/presence", response=ProfileOut, summary="Set myself away or back")
def set_presence(request: HttpRequest, payload: PresenceIn) -> Any:
    return presence.agent_set_presence(actor=request_user(request), **payload.dict())


@router.post("/me/check-in", response=ProfileOut, summary="Record my current location")
def check_in(request: HttpRequest, payload: CheckInIn) -> Any:
    return presence.agent_check_in(actor=request_user(request), **payload.dict())


router.add_router("", automation_router)
