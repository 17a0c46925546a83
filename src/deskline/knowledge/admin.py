"""Admin for reply templates: shared with everyone, a team, or personal to one agent."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from deskline.knowledge.models import ReplyTemplate
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
