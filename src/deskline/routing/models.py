"""Routing rules, team strategies, agent presence, ticket tags and automation triggers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Skill, Team
from deskline.clients.models import EquipmentKind
from deskline.routing import matching, strategies
from deskline.tickets.models import Category, Ticket, TicketEvent


def _validate(check: Any, value: Any) -> None:
    try:
        check(value)
    except matching.ConditionError as exc:
        raise ValidationError(exc.errors) from exc


class RuleSet(models.Model):
    class Mode(models.TextChoices):
        FIRST_MATCH = "first_match", _("First matching rule")
        ALL_MATCHING = "all_matching", _("All matching rules")

    name = models.CharField(_("name"), max_length=200, unique=True)
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.FIRST_MATCH)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Rule(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveIntegerField(default=0)
    conditions = models.JSONField(default=list, blank=True)
    actions = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rule_set", "order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _validate(matching.validate_conditions, self.conditions)
        _validate(matching.validate_actions, self.actions)


class TeamRouting(models.Model):
    """A team's assignment strategy and its round-robin counter.

    Load-comparing strategies lock the row until the new ticket commits, which serialises
    their assignments; round robin only advances `turn` in one short statement.
    """

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="routing")
    strategy = models.CharField(
        max_length=16,
        choices=[(s, s.replace("_", " ")) for s in strategies.STRATEGIES],
        default=strategies.MANUAL,
    )
    #: Round-robin assignments made so far (see `routing.assignment.take_turn`).
    turn = models.PositiveBigIntegerField(default=0, editable=False)

    def __str__(self) -> str:
        return f"{self.team}: {self.strategy}"


class AgentProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_profile"
    )
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Most open tickets at once; empty means no limit.")
    )
    is_away = models.BooleanField(default=False)
    away_until = models.DateTimeField(null=True, blank=True, help_text=_("On leave until"))
    base_latitude = models.FloatField(null=True, blank=True)
    base_longitude = models.FloatField(null=True, blank=True)
    checkin_latitude = models.FloatField(null=True, blank=True)
    checkin_longitude = models.FloatField(null=True, blank=True)
    checkin_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"profile of {self.user}"

    def away_at(self, now: Any) -> bool:
        return self.is_away or (self.away_until is not None and self.away_until > now)

    @property
    def location(self) -> tuple[float, float] | None:
        """The last check-in if there is one, else the base."""
        if self.checkin_latitude is not None and self.checkin_longitude is not None:
            return (self.checkin_latitude, self.checkin_longitude)
        if self.base_latitude is not None and self.base_longitude is not None:
            return (self.base_latitude, self.base_longitude)
        return None


class AgentZone(models.Model):
    """A responsibility zone: "company:<id>", "site:<id>" or "region:<text>" owned by an agent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_zones"
    )
    zone = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "zone"], name="agent_zone_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.zone}"


class SkillRequirement(models.Model):
    """Skills a ticket's category or equipment kind requires (for the by-skill strategy)."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True)
    equipment_kind = models.ForeignKey(
        EquipmentKind, on_delete=models.CASCADE, null=True, blank=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__isnull=False) | models.Q(equipment_kind__isnull=False),
                name="skill_requirement_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.skill} for {self.category or self.equipment_kind}"


class TicketTag(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="routing_tags")
    tag = models.CharField(max_length=50)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "tag"], name="ticket_tag_unique")]

    def __str__(self) -> str:
        return self.tag


class Trigger(models.Model):
    class When(models.TextChoices):
        EVENT = "event", _("On an event")
        TIME_IN_STATUS = "time_in_status", _("N hours in a status")
        NO_CLIENT_REPLY = "no_client_reply", _("No client reply for N days")

    name = models.CharField(_("name"), max_length=200, unique=True)
    when = models.CharField(max_length=16, choices=When.choices, default=When.EVENT)
    #: For event triggers: created, updated, comment_client, comment_agent, status_changed,
    #: sla_warning, sla_breach, assigned, escalated.
    events = models.JSONField(default=list, blank=True)
    #: For time triggers: hours in status / days without a client reply, and the status code.
    hours = models.PositiveIntegerField(null=True, blank=True)
    days = models.PositiveIntegerField(null=True, blank=True)
    status_code = models.CharField(max_length=64, blank=True)
    conditions = models.JSONField(default=list, blank=True)
    #: e.g. {"set": {"priority_id": 3}, "assign": {"team_id": 2}, "comment": "...",
    #: "webhook_id": 1, "child": {"title": "..."}, "close": true, "status_id": 5}
    actions = models.JSONField(default=dict, blank=True)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _validate(matching.validate_conditions, self.conditions)


class TriggerFiring(models.Model):
    """One firing of a trigger on a ticket for one condition window; the row is the claim."""

    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="firings")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    window = models.CharField(max_length=200)
    event = models.ForeignKey(
        TicketEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fired_at = models.DateTimeField(default=timezone.now)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trigger", "ticket", "window"], name="trigger_firing_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.trigger} on {self.ticket_id} ({self.window})"
