"""Reads of the feedback app: the "to call back" queue."""

from __future__ import annotations

from django.db.models import QuerySet

from deskline.accounts.models import User
from deskline.core.permissions import require_staff
from deskline.core.roles import ROLES_SEEING_ALL
from deskline.feedback.models import CallBack


def callbacks_open(*, team_ids: list[int] | None = None) -> QuerySet[CallBack]:
    """Poor scores not yet called back, oldest first; only these teams' tickets when given."""
    rows = CallBack.objects.filter(done_at=None).select_related(
        "ticket", "ticket__company", "ticket__team", "invite"
    )
    if team_ids is not None:
        rows = rows.filter(ticket__team_id__in=team_ids)
    return rows.order_by("created_at", "pk")


def callbacks_for(user: User) -> QuerySet[CallBack]:
    """The open call-backs `user` answers for: every one for admins, supervisors and
    dispatchers, those of the teams they lead for anyone else (none for a plain agent)."""
    require_staff(user)
    if user.is_superuser or user.role in ROLES_SEEING_ALL:
        return callbacks_open()
    return callbacks_open(team_ids=list(user.led_teams.values_list("pk", flat=True)))
