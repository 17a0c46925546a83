"""Admin of the fieldwork app: checklist templates with their steps and the tickets they match."""

from __future__ import annotations

from django.contrib import admin

from deskline.fieldwork.models import ChecklistTemplate, ChecklistTemplateItem


class StepInline(admin.TabularInline[ChecklistTemplateItem, ChecklistTemplate]):
    model = ChecklistTemplateItem
    extra = 1
    fields = ["order", "text", "kind", "required", "minimum", "maximum", "choices"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin[ChecklistTemplate]):
    list_display = ["name", "is_active"]
    filter_horizontal = ["ticket_types", "categories", "equipment_kinds"]
    inlines = [StepInline]


from deskline.fieldwork import maintenance_admin  # noqa: E402, F401  (plans, expiry settings)
