"""Admin for triage: each field's mode and threshold, and the trained model versions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from deskline.triage import models


@admin.register(models.TriageFieldSetting)
class TriageFieldSettingAdmin(admin.ModelAdmin[models.TriageFieldSetting]):
    list_display = ["field", "mode", "threshold"]
    list_editable = ["mode", "threshold"]


@admin.register(models.TriageModel)
class TriageModelAdmin(admin.ModelAdmin[models.TriageModel]):
    """Versions are made by training; here they are only looked at."""

    list_display = ["field", "version", "trained_at", "is_active"]
    list_filter = ["field", "is_active"]
    readonly_fields = ["field", "version", "metrics", "trained_at", "is_active"]
    exclude = ["artefact"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
