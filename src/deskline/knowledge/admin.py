"""Admin for reply templates and the knowledge base's reference data (categories, tags,
search synonyms); articles are written on the desk, where each save is a version."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from deskline.knowledge.models import Category, ReplyTemplate, Synonym, Tag
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
