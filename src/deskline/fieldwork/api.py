"""REST endpoints of checklists and time on tickets (thin adapters over the services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import Field

from deskline.accounts.api_auth import request_user
from deskline.core.schema import InSchema, OutSchema
from deskline.fieldwork import selectors, services
from deskline.fieldwork.models import TicketChecklist, TimeEntry

router = Router(tags=["fieldwork"])


class StepOut(OutSchema):
    id: int
    text: str
    kind: str
    required: bool
    choices: list[str]
    done: bool
    done_by: str | None
    done_at: dt.datetime | None
    value: str


class ChecklistOut(OutSchema):
    id: int
    name: str
    steps: list[StepOut]


class TemplateOut(OutSchema):
    id: int
    name: str


class TickIn(InSchema):
    done: bool = True
    value: str = Field("", max_length=200, description="The number or choice of the step")
    attachment_id: int | None = Field(None, description="The photo of a photo step")


class ChecklistAddIn(InSchema):
    template_id: int


class TimeIn(InSchema):
    minutes: int | None = Field(None, ge=1, le=1440)
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    kind: str = Field("remote", description="on_site, remote or travel")
    billable: bool = True
    comment: str = Field("", max_length=500)


class TimeOut(OutSchema):
    id: int
    user: str
    started_at: dt.datetime
    minutes: int | None
    kind: str
    billable: bool
    comment: str


def _checklist(c: TicketChecklist) -> dict[str, Any]:
    return {"id": c.pk, "name": c.name, "steps": [
        {"id": i.pk, "text": i.text, "kind": i.kind, "required": i.required,
         "choices": [str(x) for x in i.choices], "done": i.done_at is not None,
         "done_by": i.done_by.username if i.done_by else None, "done_at": i.done_at,
         "value": i.value}
        for i in c.items.all()]}  # fmt: skip


def _time(e: TimeEntry) -> dict[str, Any]:
    return {"id": e.pk, "user": e.user.username, "started_at": e.started_at, "minutes": e.minutes,
            "kind": e.kind, "billable": e.billable, "comment": e.comment}  # fmt: skip


@router.get("/checklist-templates", response=list[TemplateOut], summary="Checklist templates")
def list_templates(request: HttpRequest) -> list[dict[str, Any]]:
    from deskline.core.permissions import require_staff

    require_staff(request_user(request))
    return [{"id": t.pk, "name": t.name} for t in selectors.checklist_templates()]


@router.get("/tickets/{number}/checklists", response=list[ChecklistOut],
            summary="A ticket's checklists (staff)")  # fmt: skip
def list_checklists(request: HttpRequest, number: int) -> list[dict[str, Any]]:
    work = selectors.ticket_work_for(user=request_user(request), number=number)
    return [_checklist(c) for c in work.checklists]


@router.post("/tickets/{number}/checklists", response={201: ChecklistOut},
             summary="Add a checklist from a template")  # fmt: skip
def add_checklist(
    request: HttpRequest, number: int, payload: ChecklistAddIn
) -> Status[dict[str, Any]]:
    made = services.checklist_add(actor=request_user(request), number=number,
                                  template_id=payload.template_id)  # fmt: skip
    return Status(201, _checklist(made))


@router.post("/tickets/{number}/checklist-steps/{step_id}", response=StepOut,
             summary="Tick (or clear) a checklist step")  # fmt: skip
def tick_step(request: HttpRequest, number: int, step_id: int, payload: TickIn) -> dict[str, Any]:
    item = services.checklist_tick(actor=request_user(request), number=number, item_id=step_id,
                                   **payload.dict())  # fmt: skip
    return {"id": item.pk, "text": item.text, "kind": item.kind, "required": item.required,
            "choices": [str(x) for x in item.choices], "done": item.done_at is not None,
            "done_by": item.done_by.username if item.done_by else None,
            "done_at": item.done_at, "value": item.value}  # fmt: skip


@router.get("/tickets/{number}/time-entries", response=list[TimeOut],
            summary="Time spent on a ticket (staff)")  # fmt: skip
def list_time(request: HttpRequest, number: int) -> list[dict[str, Any]]:
    work = selectors.ticket_work_for(user=request_user(request), number=number)
    return [_time(e) for e in work.entries]


@router.post("/tickets/{number}/time-entries", response={201: TimeOut},
             summary="Log time on a ticket: minutes, or a start and an end")  # fmt: skip
def add_time(request: HttpRequest, number: int, payload: TimeIn) -> Status[dict[str, Any]]:
    entry = services.time_entry_add(actor=request_user(request), number=number, **payload.dict())
    return Status(201, _time(entry))
