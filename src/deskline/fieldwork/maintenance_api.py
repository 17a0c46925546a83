"""REST endpoints of maintenance plans (thin adapters): administrators, supervisors and
dispatchers write; staff read; a client reads its company's plans (without internal fields)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import Field

from deskline.accounts.api_auth import request_user
from deskline.accounts.models import User
from deskline.core.permissions import is_client
from deskline.core.schema import InSchema, OutSchema
from deskline.fieldwork import expiry
from deskline.fieldwork import maintenance_selectors as selectors
from deskline.fieldwork import maintenance_services as services
from deskline.fieldwork.maintenance_models import MaintenancePlan

router = Router(tags=["maintenance"])


class PlanDateOut(OutSchema):
    due_on: dt.date
    scheduled_on: dt.date
    state: str = Field(description="pending, created, skipped or failed")
    moved: bool
    ticket_number: int | None
    counter_at: int | None


class PlanOut(OutSchema):
    id: int
    name: str
    company_id: int
    scope: str
    equipment_id: int | None
    site_id: int | None
    equipment_kind_id: int | None
    contract_id: int | None
    rule: str
    starts_on: dt.date
    ends_on: dt.date | None
    every_hours: int | None
    counter_parameter: str
    counter_next: int | None
    lead_days: int
    title: str
    description: str
    ticket_type_id: int | None
    category_id: int | None
    priority_id: int | None
    team_id: int | None
    checklist_template_id: int | None
    is_active: bool
    next: PlanDateOut | None


class PlanDetailOut(PlanOut):
    past: list[PlanDateOut]
    upcoming: list[PlanDateOut]


class PlanQuery(InSchema):
    company_id: int | None = None
    site_id: int | None = None
    equipment_id: int | None = None
    contract_id: int | None = None
    limit: int = Field(200, ge=1, le=500)


class PlanPatch(InSchema):
    name: str | None = Field(None, max_length=200)
    scope: str | None = Field(None, description="equipment, kind_at_site or contract")
    equipment_id: int | None = None
    site_id: int | None = None
    equipment_kind_id: int | None = None
    contract_id: int | None = None
    rule: str | None = Field(None, max_length=500, description="RFC 5545 RRULE")
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    every_hours: int | None = Field(None, ge=1)
    counter_parameter: str | None = Field(None, max_length=64)
    lead_days: int | None = Field(None, ge=0, le=365)
    title: str | None = Field(None, max_length=300, description="{date} becomes the visit date")
    description: str | None = Field(None, max_length=10_000)
    ticket_type_id: int | None = None
    category_id: int | None = None
    priority_id: int | None = None
    team_id: int | None = None
    checklist_template_id: int | None = None
    is_active: bool | None = None


class PlanIn(PlanPatch):
    name: str = Field(..., max_length=200)
    scope: str = Field("equipment", description="equipment, kind_at_site or contract")
    rule: str = Field(
        "", max_length=500, description="RFC 5545 RRULE, e.g. FREQ=MONTHLY;INTERVAL=3"
    )
    starts_on: dt.date = Field(default_factory=timezone.localdate)
    counter_parameter: str = Field("", max_length=64)
    lead_days: int = Field(7, ge=0, le=365)
    title: str = Field(..., max_length=300)
    description: str = Field("", max_length=10_000)
    is_active: bool = True


class SkipIn(InSchema):
    skip: bool = True


class MoveIn(InSchema):
    to: dt.date


_INTERNAL = ("description", "team_id", "checklist_template_id", "category_id")


def _date(d: selectors.PlanDate | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {"due_on": d.due_on, "scheduled_on": d.scheduled_on, "state": d.state,
            "moved": d.moved, "ticket_number": d.ticket_number, "counter_at": d.counter_at}  # fmt: skip


def _plan(user: User, plan: MaintenancePlan, today: dt.date) -> dict[str, Any]:
    data = {name: getattr(plan, name) for name in PlanOut.model_fields if hasattr(plan, name)}
    data["id"] = plan.pk
    data["next"] = _date(selectors.next_maintenance(plan, today=today))
    if is_client(user):  # a client sees when and what, not how the desk organises it
        data.update(dict.fromkeys(_INTERNAL))
        data["description"] = ""
    return data


def _detail(user: User, plan: MaintenancePlan) -> dict[str, Any]:
    today = timezone.localdate()
    return _plan(user, plan, today) | {
        "past": [_date(d) for d in selectors.plan_past(plan, today=today)],
        "upcoming": [_date(d) for d in selectors.plan_upcoming(plan, today=today, count=10)],
    }


@router.get("/maintenance-plans", response=list[PlanOut], summary="Maintenance plans")
def plan_list(request: HttpRequest, query: Query[PlanQuery]) -> list[dict[str, Any]]:
    user, today = request_user(request), timezone.localdate()
    plans = selectors.plan_list_for(user, today=today, **query.model_dump())
    return [_plan(user, plan, today) for plan in plans]


@router.post("/maintenance-plans", response={201: PlanDetailOut},
             summary="Create a maintenance plan (administrators, supervisors, dispatchers)")  # fmt: skip
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    plan = services.plan_create(actor=user, values=payload.model_dump())
    return Status(201, _detail(user, selectors.plan_get_for(user, plan_id=plan.pk)))


@router.get("/maintenance-plans/{plan_id}", response=PlanDetailOut,
            summary="A plan with its past and next dates")  # fmt: skip
def plan_detail(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    user = request_user(request)
    return _detail(user, selectors.plan_get_for(user, plan_id=plan_id))


@router.patch("/maintenance-plans/{plan_id}", response=PlanDetailOut,
              summary="Change a plan (a new rule starts again from today)")  # fmt: skip
def plan_update(request: HttpRequest, plan_id: int, payload: PlanPatch) -> dict[str, Any]:
    user = request_user(request)
    selectors.plan_get_for(user, plan_id=plan_id)
    services.plan_update(
        actor=user, plan_id=plan_id, changes=payload.model_dump(exclude_unset=True)
    )
    return _detail(user, selectors.plan_get_for(user, plan_id=plan_id))


@router.delete("/maintenance-plans/{plan_id}", response={204: None}, summary="Remove a plan")
def plan_delete(request: HttpRequest, plan_id: int) -> Status[None]:
    user = request_user(request)
    selectors.plan_get_for(user, plan_id=plan_id)
    services.plan_delete(actor=user, plan_id=plan_id)
    return Status(204, None)


@router.post("/maintenance-plans/{plan_id}/dates/{due_on}/skip", response=PlanDetailOut,
             summary="Skip one date of a plan (or take the skip back)")  # fmt: skip
def date_skip(
    request: HttpRequest, plan_id: int, due_on: dt.date, payload: SkipIn
) -> dict[str, Any]:
    user = request_user(request)
    selectors.plan_get_for(user, plan_id=plan_id)
    services.occurrence_skip(actor=user, plan_id=plan_id, due_on=due_on, skip=payload.skip)
    return _detail(user, selectors.plan_get_for(user, plan_id=plan_id))


@router.post("/maintenance-plans/{plan_id}/dates/{due_on}/move", response=PlanDetailOut,
             summary="Plan one date's visit on another day")  # fmt: skip
def date_move(
    request: HttpRequest, plan_id: int, due_on: dt.date, payload: MoveIn
) -> dict[str, Any]:
    user = request_user(request)
    selectors.plan_get_for(user, plan_id=plan_id)
    services.occurrence_move(actor=user, plan_id=plan_id, due_on=due_on, to=payload.to)
    return _detail(user, selectors.plan_get_for(user, plan_id=plan_id))


class ExpiringOut(OutSchema):
    kind: str = Field(description="warranty, contract or parameter (a licence, a certificate)")
    object_id: int = Field(description="The equipment's or the contract's id")
    parameter: str
    what: str
    label: str
    company_id: int
    company: str
    site: str
    expires_on: dt.date
    days_left: int


class ExpiringQuery(InSchema):
    days: int = Field(30, ge=0, le=3650)


@router.get("/expiring", response=list[ExpiringOut],
            summary="Warranties, contracts, licences and certificates expiring within N days")  # fmt: skip
def expiring(request: HttpRequest, query: Query[ExpiringQuery]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    items = expiry.expiring_for(request_user(request), days=query.days, today=today)
    return [{**{k: v for k, v in vars(i).items() if k != "path"},
             "days_left": (i.expires_on - today).days} for i in items]  # fmt: skip
