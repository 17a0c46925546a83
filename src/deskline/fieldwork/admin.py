"""Admin of the fieldwork app: checklist templates, field engineers and visits (with the
actions their phones sent)."""

from __future__ import annotations

from django.contrib import admin

from deskline.fieldwork.models import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    EngineerProfile,
    Visit,
    VisitAction,
)


class StepInline(admin.TabularInline[ChecklistTemplateItem, ChecklistTemplate]):
    model = ChecklistTemplateItem
    extra = 1
    fields = ["order", "text", "kind", "required", "minimum", "maximum", "choices"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin[ChecklistTemplate]):
    list_display = ["name", "is_active"]
    filter_horizontal = ["ticket_types", "categories", "equipment_kinds"]
    inlines = [StepInline]


@admin.register(EngineerProfile)
class EngineerProfileAdmin(admin.ModelAdmin[EngineerProfile]):
    """Who appears on the dispatch board, where they start from and when they work."""

    list_display = ["user", "is_active", "day_start", "day_end", "time_zone", "last_seen_at"]
    list_filter = ["is_active"]
    autocomplete_fields = ["user"]
    readonly_fields = ["last_latitude", "last_longitude", "last_seen_at"]


class ActionInline(admin.TabularInline[VisitAction, Visit]):
    model = VisitAction
    extra = 0
    can_delete = False
    fields = readonly_fields = ("client_time", "user", "kind", "outcome", "message")


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin[Visit]):
    """Visits are planned on the dispatch board; here they can be looked up and corrected."""

    list_display = ["pk", "ticket", "site", "planned_start", "planned_end", "status"]
    list_filter = ["status"]
    search_fields = ["ticket__number", "site__name"]
    raw_id_fields = ["ticket", "site", "signature", "created_by"]
    filter_horizontal = ["engineers"]
    readonly_fields = ["version", "checked_in_at", "check_in_distance_m", "checked_out_at",
                       "check_out_distance_m", "en_route_at"]  # fmt: skip
    inlines = [ActionInline]


from deskline.fieldwork import maintenance_admin  # noqa: E402, F401  (plans, expiry settings)
