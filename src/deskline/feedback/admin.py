"""Admin of the feedback app: survey templates and the rules that choose who is surveyed."""

from __future__ import annotations

from django.contrib import admin

from deskline.feedback.models import SurveyRule, SurveyTemplate


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(admin.ModelAdmin[SurveyTemplate]):
    list_display = ["name", "scale", "question"]


@admin.register(SurveyRule)
class SurveyRuleAdmin(admin.ModelAdmin[SurveyRule]):
    list_display = ["name", "order", "is_active", "template", "sample_percent", "poor_threshold",
                    "poor_action"]  # fmt: skip
    list_editable = ["order", "is_active"]
    filter_horizontal = ["ticket_types", "company_categories"]
