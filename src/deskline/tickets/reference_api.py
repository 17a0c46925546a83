"""REST endpoints for ticket reference data: statuses, transitions, types, priorities, ..."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as Created

from deskline.accounts.api_auth import request_user
from deskline.core.schema import InSchema
from deskline.tickets import reference_services
from deskline.tickets.models import (
    Category,
    Priority,
    Status,
    StatusTransition,
)
from deskline.tickets.reference_selectors import (
    custom_fields_for,
    staff_users_for,
    teams_for,
    ticket_types_for,
)

router = Router(tags=["reference data"])


class StatusOut(Schema):
    id: int
    code: str
    name: str
    name_ru: str
    phase: str
    color: str
    order: int
    is_initial: bool
    is_active: bool


class StatusIn(InSchema):
    code: str
    name: str
    name_ru: str = ""
    phase: str
    color: str = "#6b7280"
    order: int = 0


class TransitionOut(Schema):
    id: int
    from_status_id: int
    to_status_id: int
    comment_required: bool
    clients_may_use: bool


class TransitionIn(InSchema):
    from_status_id: int
    to_status_id: int
    comment_required: bool = False
    clients_may_use: bool = False


class TypeOut(Schema):
    id: int
    code: str
    name: str
    open_to_clients: bool
    is_default: bool


class PriorityOut(Schema):
    id: int
    code: str
    name: str
    weight: int
    color: str
    is_default: bool


class CategoryOut(Schema):
    id: int
    name: str
    parent_id: int | None
    is_active: bool


class CategoryIn(InSchema):
    name: str
    parent_id: int | None = None


class CustomFieldOut(Schema):
    id: int
    code: str
    name: str
    field_type: str
    choices: list[Any]
    required: bool
    visible_to_clients: bool
    ticket_type_ids: list[int]


class TeamOut(Schema):
    id: int
    name: str
    line: int
    is_contractor: bool
    lead_id: int | None
    member_ids: list[int]


class UserOut(Schema):
    id: int
    username: str
    name: str
    role: str
    is_active: bool


@router.get("/statuses", response=list[StatusOut])
def statuses(request: HttpRequest) -> Any:
    return Status.objects.all()


@router.post("/statuses", response={201: StatusOut})
def create_status(request: HttpRequest, payload: StatusIn) -> Any:
    return Created(
        201, reference_services.status_create(actor=request_user(request), **payload.dict())
    )


@router.get("/status-transitions", response=list[TransitionOut])
def transitions(request: HttpRequest) -> Any:
    return StatusTransition.objects.all()


@router.post("/status-transitions", response={201: TransitionOut})
def create_transition(request: HttpRequest, payload: TransitionIn) -> Any:
    return Created(
        201, reference_services.transition_create(actor=request_user(request), **payload.dict())
    )


@router.get("/ticket-types", response=list[TypeOut])
def ticket_types(request: HttpRequest) -> Any:
    return ticket_types_for(request_user(request))


@router.get("/priorities", response=list[PriorityOut])
def priorities(request: HttpRequest) -> Any:
    return Priority.objects.all()


@router.get("/categories", response=list[CategoryOut])
def categories(request: HttpRequest) -> Any:
    return Category.objects.all()


@router.post("/categories", response={201: CategoryOut})
def create_category(request: HttpRequest, payload: CategoryIn) -> Any:
    return Created(
        201, reference_services.category_create(actor=request_user(request), **payload.dict())
    )


@router.get("/custom-fields", response=list[CustomFieldOut])
def custom_fields(request: HttpRequest) -> list[dict[str, Any]]:
    rows = custom_fields_for(request_user(request))
    return [
        {
            **{
                f: getattr(row, f)
                for f in (
                    "id",
                    "code",
                    "name",
                    "field_type",
                    "choices",
                    "required",
                    "visible_to_clients",
                )
            },
            "ticket_type_ids": [t.pk for t in row.ticket_types.all()],
        }
        for row in rows
    ]


@router.get("/teams", response=list[TeamOut])
def teams(request: HttpRequest) -> list[dict[str, Any]]:
    rows = teams_for(request_user(request))
    return [
        {"id": t.pk, "name": t.name, "line": t.line, "is_contractor": t.is_contractor,
         "lead_id": t.lead_id, "member_ids": [m.pk for m in t.members.all()]}
        for t in rows
    ]  # fmt: skip


@router.get("/users", response=list[UserOut], summary="Staff users (agents and others)")
def users(request: HttpRequest) -> list[dict[str, Any]]:
    rows = staff_users_for(request_user(request))
    return [
        {
            "id": u.pk,
            "username": u.username,
            "name": str(u),
            "role": u.role,
            "is_active": u.is_active,
        }
        for u in rows
    ]
