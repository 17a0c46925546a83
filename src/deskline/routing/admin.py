"""Admin for routing rules, strategies, agent presence and triggers."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from deskline.routing import models


class RuleInline(admin.TabularInline[models.Rule, Any]):
    model = models.Rule
    extra = 0
    fields = ["order", "name", "conditions", "actions", "is_active"]


@admin.register(models.RuleSet)
class RuleSetAdmin(admin.ModelAdmin[models.RuleSet]):
    list_display = ["name", "mode", "order", "is_active"]
    list_editable = ["order", "is_active"]
    inlines = [RuleInline]


@admin.register(models.Rule)
class RuleAdmin(admin.ModelAdmin[models.Rule]):
    list_display = ["name", "rule_set", "order", "is_active"]
    list_filter = ["rule_set", "is_active"]


@admin.register(models.TeamRouting)
class TeamRoutingAdmin(admin.ModelAdmin[models.TeamRouting]):
    list_display = ["team", "strategy", "turn"]
    list_select_related = ["team"]


@admin.register(models.AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin[models.AgentProfile]):
    list_display = ["user", "capacity", "is_away", "away_until", "checkin_at"]
    list_filter = ["is_away"]
    raw_id_fields = ["user"]


admin.site.register(models.AgentZone)
admin.site.register(models.SkillRequirement)


@admin.register(models.Trigger)
class TriggerAdmin(admin.ModelAdmin[models.Trigger]):
    list_display = ["name", "when", "order", "is_active"]
    list_filter = ["when", "is_active"]


@admin.register(models.TriggerFiring)
class TriggerFiringAdmin(admin.ModelAdmin[models.TriggerFiring]):
    list_display = ["trigger", "ticket", "window", "fired_at"]
    raw_id_fields = ["ticket", "event"]

    def has_add_permission(self, request: Any) -> bool:  # a log: rows come from firings
        return False
