"""Admin for reply templates, the knowledge base's reference data (categories, tags, search
synonyms) and the support bot's scripted flows (steps edited inline, checked as a whole before
saving); articles are written on the desk, where each save is a version."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from deskline.knowledge.bot_flows import flow_check
from deskline.knowledge.models import BotFlow, BotFlowStep, Category, ReplyTemplate, Synonym, Tag
from deskline.knowledge.variables import REPLY_VARIABLES


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin[ReplyTemplate]):
    list_display = ("name", "language", "audience", "team", "owner", "is_active", "order")
    list_editable = ("is_active", "order")
    list_filter = ("is_active", "language", "audience", "team")
    search_fields = ("name", "body")
    autocomplete_fields = ("owner",)
    readonly_fields = ("variables",)
    fields = (
        "name", "body", "variables", "language", "audience", "team", "owner", "is_active",
        "order",
    )  # fmt: skip

    @admin.display(description=_("variables"))
    def variables(self, obj: ReplyTemplate) -> str:
        rows = format_html_join(
            "", "<li><code>{{{{ {} }}}}</code>: {}</li>", REPLY_VARIABLES.items()
        )
        return format_html("<ul>{}</ul>", rows)


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin[Synonym]):
    list_display = ("words",)
    search_fields = ("words",)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("name", "parent", "order")
    list_editable = ("order",)
    search_fields = ("name",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    search_fields = ("name",)


class FlowStepFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """Checks the steps as a whole with the flow's own values (the rules are `flow_check`'s)."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        steps: list[Any] = [
            form.instance for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]  # fmt: skip
        problems = flow_check(self.instance, steps)
        if problems:
            raise ValidationError(problems)


class BotFlowStepInline(admin.StackedInline[BotFlowStep, BotFlow]):
    model = BotFlowStep
    formset = FlowStepFormSet
    extra = 1
    raw_id_fields = ("article",)
    fields = (("key", "kind"), "text", ("variable", "next_step", "failure_step"), "buttons",
              "article", ("ticket_category", "ticket_priority"))  # fmt: skip


@admin.register(BotFlow)
class BotFlowAdmin(admin.ModelAdmin[BotFlow]):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "start_step", "is_active", "order")
    list_editable = ("is_active", "order")
    search_fields = ("name", "triggers")
    inlines = (BotFlowStepInline,)
    fields = ("name", "triggers", "start_step", "is_active", "order", "webhook_url",
              "webhook_secret", "webhook_timeout")  # fmt: skip
