"""Admin of planned maintenance and expiry reminders: each company's reminder steps and contact;
plans are listed here (read only) and written through the API, which keeps the scheduler's
cursor right."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from deskline.fieldwork.expiry_rules import clean_steps
from deskline.fieldwork.maintenance_models import (
    ExpirySettings,
    MaintenanceOccurrence,
    MaintenancePlan,
)


class ExpirySettingsForm(forms.ModelForm[ExpirySettings]):
    class Meta:
        model = ExpirySettings
        fields = ["company", "notify_contact", "steps"]

    def clean_steps(self) -> list[int]:
        try:
            return list(clean_steps(self.cleaned_data.get("steps") or []))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        contact, company = data.get("notify_contact"), data.get("company")
        if contact is not None and company is not None and contact.company_id != company.pk:
            self.add_error("notify_contact", "the contact must be of this company")
        return data


@admin.register(ExpirySettings)
class ExpirySettingsAdmin(admin.ModelAdmin[ExpirySettings]):
    form = ExpirySettingsForm
    list_display = ["company", "notify_contact", "steps"]
    autocomplete_fields = ["company"]


class OccurrenceInline(admin.TabularInline[MaintenanceOccurrence, MaintenancePlan]):
    model = MaintenanceOccurrence
    extra = 0
    fields = ["due_on", "scheduled_on", "state", "ticket", "note"]
    readonly_fields = ["due_on", "scheduled_on", "state", "ticket", "note"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MaintenancePlan)
class MaintenancePlanAdmin(admin.ModelAdmin[MaintenancePlan]):
    list_display = ["name", "company", "scope", "rule", "every_hours", "next_due_on", "is_active"]
    list_filter = ["scope", "is_active"]
    search_fields = ["name", "title"]
    inlines = [OccurrenceInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
