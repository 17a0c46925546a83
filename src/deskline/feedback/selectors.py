"""Reads of the feedback app: the "to call back" queue."""

from __future__ import annotations

from django.db.models import QuerySet

from deskline.feedback.models import CallBack


def callbacks_open(*, team_ids: list[int] | None = None) -> QuerySet[CallBack]:
    """Poor scores not yet called back, oldest first; only these teams' tickets when given."""
    rows = CallBack.objects.filter(done_at=None).select_related(
        "ticket", "ticket__company", "ticket__team", "invite"
    )
    if team_ids is not None:
        rows = rows.filter(ticket__team_id__in=team_ids)
    return rows.order_by("created_at", "pk")
