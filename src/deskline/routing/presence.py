"""Agent presence and location: away / on leave, capacity, and field check-ins."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from deskline.accounts.models import User
from deskline.core.errors import ValidationFailed
from deskline.core.permissions import require_staff
from deskline.routing.models import AgentProfile


def _profile(user: User) -> AgentProfile:
    profile, _ = AgentProfile.objects.select_for_update().get_or_create(user=user)
    return profile


@transaction.atomic
def agent_set_presence(
    *, actor: User, is_away: bool, away_until: dt.datetime | None = None
) -> AgentProfile:
    """An agent marks themself away (optionally until a moment, e.g. the end of a leave)."""
    require_staff(actor)
    if away_until is not None and timezone.is_naive(away_until):
        raise ValidationFailed("a time zone is required", fields={"away_until": "must be aware"})
    profile = _profile(actor)
    profile.is_away, profile.away_until = is_away, away_until
    profile.save(update_fields=["is_away", "away_until"])
    return profile


@transaction.atomic
def agent_check_in(*, actor: User, latitude: float, longitude: float) -> AgentProfile:
    """Record where a field engineer is now (used by the nearest-engineer strategy)."""
    require_staff(actor)
    errors = {}
    if not -90 <= latitude <= 90:
        errors["latitude"] = "must be between -90 and 90"
    if not -180 <= longitude <= 180:
        errors["longitude"] = "must be between -180 and 180"
    if errors:
        raise ValidationFailed("invalid coordinates", fields=errors)
    profile = _profile(actor)
    profile.checkin_latitude, profile.checkin_longitude = latitude, longitude
    profile.checkin_at = timezone.now()
    profile.save(update_fields=["checkin_latitude", "checkin_longitude", "checkin_at"])
    return profile
