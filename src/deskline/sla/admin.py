"""Admin for calendars, policies, rules, escalation steps and the calendar mappings.

Saving a calendar (or its exceptions) or a policy here bumps its version and enqueues the
recompute of open tickets, exactly as the API's services do.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import F
from django.http import HttpRequest

from deskline.sla import models
from deskline.sla.services import recompute_later


class ExceptionInline(admin.TabularInline[models.CalendarException, models.Calendar]):
    model = models.CalendarException
    extra = 0
    fields = ["day", "kind", "hours", "note"]


@admin.register(models.Calendar)
class CalendarAdmin(admin.ModelAdmin[models.Calendar]):
    list_display = ["name", "time_zone", "always", "country", "is_default", "version"]
    inlines = [ExceptionInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change:
            models.Calendar.objects.filter(pk=form.instance.pk).update(version=F("version") + 1)
            recompute_later(calendar_ids=[form.instance.pk])


class TargetInline(admin.TabularInline[models.SlaTarget, models.SlaPolicy]):
    model = models.SlaTarget
    extra = 0


class StepInline(admin.StackedInline[models.EscalationStep, models.SlaPolicy]):
    model = models.EscalationStep
    extra = 0


@admin.register(models.SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[models.SlaPolicy]):
    list_display = ["name", "calendar", "reaction_mode", "risk_threshold", "is_default"]
    filter_horizontal = ["pause_statuses"]
    inlines = [TargetInline, StepInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change:
            models.SlaPolicy.objects.filter(pk=form.instance.pk).update(version=F("version") + 1)
            recompute_later(policy_ids=[form.instance.pk])


@admin.register(models.SlaRule)
class SlaRuleAdmin(admin.ModelAdmin[models.SlaRule]):
    list_display = ["order", "policy", "contract", "company", "company_category", "type",
                    "category", "priority", "site", "tone", "is_active"]  # fmt: skip
    list_editable = ["is_active"]
    raw_id_fields = ["contract", "company", "site"]


@admin.register(models.SiteCalendar)
class SiteCalendarAdmin(admin.ModelAdmin[models.SiteCalendar]):
    list_display = ["site", "calendar"]
    raw_id_fields = ["site"]


@admin.register(models.ContractSla)
class ContractSlaAdmin(admin.ModelAdmin[models.ContractSla]):
    list_display = ["contract", "policy", "calendar"]
    raw_id_fields = ["contract"]


@admin.register(models.UserCalendar)
class UserCalendarAdmin(admin.ModelAdmin[models.UserCalendar]):
    list_display = ["user", "calendar"]
    raw_id_fields = ["user"]


@admin.register(models.TicketSla)
class TicketSlaAdmin(admin.ModelAdmin[models.TicketSla]):
    list_display = [
        "ticket",
        "policy",
        "calendar",
        "calendar_source",
        "paused_since",
        "breach_risk",
    ]
    raw_id_fields = ["ticket"]
    list_select_related = ["ticket", "policy", "calendar"]
    readonly_fields = ["breach_risk", "risk_computed_at", "active_minutes"]

    # Overrides go through the API's service, which records who, why and the history event.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
