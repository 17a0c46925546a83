"""REST endpoints of the feedback app: the "to call back" queue for team leads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from deskline.accounts.api_auth import request_user
from deskline.core.permissions import require_staff
from deskline.feedback.selectors import callbacks_for
from deskline.feedback.services import callback_done
from deskline.feedback.stress import stress_alerts_for, stress_mark

router = Router(tags=["feedback"])


class CallBackOut(Schema):
    id: int
    ticket_number: int
    ticket_title: str
    company: str | None
    team: str | None
    score: int
    comment: str
    created_at: dt.datetime


@router.get("/callbacks", response=list[CallBackOut], summary="Poor scores to call back")
def list_callbacks(request: HttpRequest) -> list[dict[str, Any]]:
    """All of them for supervisors and admins; a team lead sees the teams they lead."""
    return [
        {
            "id": c.pk,
            "ticket_number": c.ticket.number,
            "ticket_title": c.ticket.title,
            "company": c.ticket.company.name if c.ticket.company else None,
            "team": c.ticket.team.name if c.ticket.team else None,
            "score": c.score,
            "comment": c.invite.comment,
            "created_at": c.created_at,
        }  # fmt: skip
        for c in callbacks_for(request_user(request))
    ]


@router.post("/callbacks/{callback_id}/done", response={204: None}, summary="Called back")
def mark_callback_done(request: HttpRequest, callback_id: int) -> Status[None]:
    callback_done(actor=request_user(request), callback_id=callback_id)
    return Status(204, None)


class StressIn(Schema):
    level: str


class StressAlertOut(Schema):
    agent: str
    created_at: dt.datetime
    suggestion: str


@router.post("/stress", response={204: None}, summary="Mark one's own stress level (agents)")
def mark_stress(request: HttpRequest, payload: StressIn) -> Status[None]:
    stress_mark(actor=request_user(request), level=payload.level)
    return Status(204, None)


@router.get("/stress/alerts", response=list[StressAlertOut], summary="Stress alerts (team lead)")
def list_stress_alerts(request: HttpRequest) -> list[dict[str, Any]]:
    """Only the alerts addressed to the caller as a team lead."""
    user = request_user(request)
    require_staff(user)
    return [
        {
            "agent": a.agent.get_full_name() or a.agent.username,
            "created_at": a.created_at,
            "suggestion": "give a break or move some of the load",
        }  # fmt: skip
        for a in stress_alerts_for(lead=user)
    ]
