"""Agents' stress check-in: three "high" marks within one shift alert the team lead privately."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from deskline.accounts.models import Team, User
from deskline.core.errors import ValidationFailed
from deskline.core.permissions import require_staff
from deskline.feedback.models import StressAlert, StressLevel, StressMark

SHIFT = dt.timedelta(hours=12)  # marks this close together count as one shift
HIGH_MARKS = 3


@transaction.atomic
def stress_mark(*, actor: User, level: str) -> StressMark:
    """Record the agent's mark; the third "high" of a shift alerts each lead of their teams
    (once per shift)."""
    require_staff(actor)
    if level not in StressLevel.values:
        raise ValidationFailed("unknown stress level", fields={"level": "low, medium or high"})
    mark = StressMark.objects.create(user=actor, level=level)
    if level != StressLevel.HIGH:
        return mark
    since = timezone.now() - SHIFT
    highs = StressMark.objects.filter(user=actor, level=StressLevel.HIGH, created_at__gte=since)
    already = StressAlert.objects.filter(agent=actor, created_at__gte=since).exists()
    if highs.count() >= HIGH_MARKS and not already:
        leads = Team.objects.filter(members=actor, lead__isnull=False).values_list(
            "lead_id", flat=True
        )
        StressAlert.objects.bulk_create(
            StressAlert(lead_id=lead, agent=actor) for lead in set(leads) if lead != actor.pk
        )
    return mark


def stress_alerts_for(*, lead: User) -> list[StressAlert]:
    """The unseen alerts for this lead only."""
    return list(
        StressAlert.objects.filter(lead=lead, seen_at=None)
        .select_related("agent")
        .order_by("-created_at")
    )
