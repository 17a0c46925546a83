"""The cost of an hour of staff time, per agent or per team: what profitability charges
against revenue. Kept apart from the document models; `billing.models` imports it."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeCost(models.Model):
    """An hourly cost (in the report's currency) of one agent, or of a team's members who have
    none of their own. Exactly one of `user` and `team` is set."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", verbose_name=_("agent"),
    )  # fmt: skip
    team = models.OneToOneField(
        "accounts.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("team"),
    )  # fmt: skip
    hourly_cost = models.DecimalField(
        _("cost of an hour"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("cost of time")
        verbose_name_plural = _("costs of time")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, team__isnull=True)
                | models.Q(user__isnull=True, team__isnull=False),
                name="time_cost_user_or_team",
            ),
            models.CheckConstraint(
                condition=models.Q(hourly_cost__gte=0), name="time_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        who = f"user {self.user_id}" if self.user_id else f"team {self.team_id}"
        return f"{who}: {self.hourly_cost}/h"
