"""Admin of planned maintenance and expiry reminders: each company's reminder steps and contact;
plans are added and changed here through the same services as the API (which validate the rule
and keep the scheduler's cursor right)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from deskline.accounts.models import User
from deskline.core.errors import DomainError
from deskline.fieldwork.expiry_rules import clean_steps
from deskline.fieldwork.maintenance_models import (
    ExpirySettings,
    MaintenanceOccurrence,
    MaintenancePlan,
)
from deskline.fieldwork.maintenance_services import (
    PLAN_FIELDS,
    plan_check,
    plan_create,
    plan_update,
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


PLAN_FORM_FIELDS = ["name", "scope", "equipment", "site", "equipment_kind", "contract", "rule",
                    "starts_on", "ends_on", "every_hours", "counter_parameter", "lead_days",
                    "title", "description", "ticket_type", "category", "priority", "team",
                    "checklist_template", "is_active"]  # fmt: skip


def _values(data: dict[str, Any]) -> dict[str, Any]:
    """The form's cleaned data as the services take it (references by id)."""
    values = {}
    for name in PLAN_FORM_FIELDS:
        if name not in data:
            continue
        value = data[name]
        field = MaintenancePlan._meta.get_field(name)
        if field.is_relation:
            values[f"{name}_id"] = value.pk if value is not None else None
        else:
            values[name] = value
    return values


class MaintenancePlanForm(forms.ModelForm[MaintenancePlan]):
    class Meta:
        model = MaintenancePlan
        fields = PLAN_FORM_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        trial = MaintenancePlan(**{k: v for k, v in _values(data).items() if k in PLAN_FIELDS})
        try:
            plan_check(trial)
        except DomainError as exc:
            for name, message in exc.fields.items():
                field = name[:-3] if name.endswith("_id") else name
                self.add_error(field if field in self.fields else None, message)
            if not exc.fields:
                raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(MaintenancePlan)
class MaintenancePlanAdmin(admin.ModelAdmin[MaintenancePlan]):
    form = MaintenancePlanForm
    list_display = ["name", "company", "scope", "rule", "every_hours", "next_due_on", "is_active"]
    list_filter = ["scope", "is_active"]
    search_fields = ["name", "title"]
    raw_id_fields = ["equipment", "site", "contract"]
    inlines = [OccurrenceInline]

    def save_model(self, request: HttpRequest, obj: MaintenancePlan, form: Any,
                   change: bool) -> None:  # fmt: skip
        values = _values(form.cleaned_data)
        user = request.user
        assert isinstance(user, User)
        if change:
            saved = plan_update(actor=user, plan_id=obj.pk, changes=values)
        else:
            saved = plan_create(actor=user, values=values)
        obj.pk = saved.pk
        obj.refresh_from_db()
