"""REST endpoints of the feedback app: the "to call back" queue for team leads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from deskline.accounts.api_auth import request_user
from deskline.core.permissions import require_staff
from deskline.core.roles import ROLES_SEEING_ALL
from deskline.feedback.selectors import callbacks_open
from deskline.feedback.services import callback_done

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
    user = request_user(request)
    require_staff(user)
    teams = (
        None if user.role in ROLES_SEEING_ALL else list(user.led_teams.values_list("pk", flat=True))
    )
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
        for c in callbacks_open(team_ids=teams)
    ]


@router.post("/callbacks/{callback_id}/done", response={204: None}, summary="Called back")
def mark_callback_done(request: HttpRequest, callback_id: int) -> tuple[int, None]:
    require_staff(request_user(request))
    callback_done(callback_id=callback_id)
    return 204, None
