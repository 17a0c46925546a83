"""Admin of the feedback app: survey templates and the rules that choose who is surveyed."""

from __future__ import annotations

from django.contrib import admin

from deskline.feedback.models import NpsInvite, NpsSettings, SurveyRule, SurveyTemplate


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(admin.ModelAdmin[SurveyTemplate]):
    list_display = ["name", "scale", "question"]


@admin.register(SurveyRule)
class SurveyRuleAdmin(admin.ModelAdmin[SurveyRule]):
    list_display = ["name", "order", "is_active", "template", "sample_percent", "poor_threshold",
                    "poor_action"]  # fmt: skip
    list_editable = ["order", "is_active"]
    filter_horizontal = ["ticket_types", "company_categories"]


@admin.register(NpsSettings)
class NpsSettingsAdmin(admin.ModelAdmin[NpsSettings]):
    list_display = ["__str__", "is_active", "every_months", "min_days_between", "per_run"]


@admin.register(NpsInvite)
class NpsInviteAdmin(admin.ModelAdmin[NpsInvite]):
    list_display = ["contact", "sent_at", "score", "answered_at"]
    list_filter = ["score"]
    readonly_fields = ["contact", "company_id", "sent_at", "answered_at", "score", "comment"]

    def has_add_permission(self, request: object) -> bool:
        return False
