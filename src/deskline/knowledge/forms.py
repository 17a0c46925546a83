"""The desk's article editor form: fields as the services take them (tags as comma text)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from deskline.clients.models import Company, CompanyCategory, EquipmentKind
from deskline.knowledge.models import (
    Article,
    ArticleAudience,
    ArticleLanguage,
    ArticleState,
    Category,
)


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(
        label=_("Text (Markdown)"), required=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "kb-editor"}),
    )  # fmt: skip
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label="—"
    )
    tags = forms.CharField(label=_("Tags (comma-separated)"), required=False, max_length=500)
    language = forms.ChoiceField(label=_("Language"), choices=ArticleLanguage.choices)
    translation_of = forms.ModelChoiceField(
        label=_("Translation of"), queryset=Article.objects.all(), required=False,
        empty_label="—",
    )  # fmt: skip
    audience = forms.ChoiceField(label=_("Audience"), choices=ArticleAudience.choices)
    companies = forms.ModelMultipleChoiceField(
        label=_("For companies"), queryset=Company.objects.all(), required=False
    )
    company_categories = forms.ModelMultipleChoiceField(
        label=_("For company categories"), queryset=CompanyCategory.objects.all(), required=False
    )
    equipment_kinds = forms.ModelMultipleChoiceField(
        label=_("Equipment kinds"), queryset=EquipmentKind.objects.all(), required=False
    )
    state = forms.ChoiceField(label=_("State"), choices=ArticleState.choices)
    review_due = forms.DateField(
        label=_("Review by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("What changed"), required=False, max_length=300)

    @staticmethod
    def initial_for(article: Article) -> dict[str, Any]:
        return {
            "title": article.title, "body": article.body, "category": article.category_id,
            "tags": ", ".join(t.name for t in article.tags.all()),
            "language": article.language, "translation_of": article.translation_of_id,
            "audience": article.audience, "companies": list(article.companies.all()),
            "company_categories": list(article.company_categories.all()),
            "equipment_kinds": list(article.equipment_kinds.all()), "state": article.state,
            "review_due": article.review_due,
        }  # fmt: skip

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as `article_create`/`article_update` keyword arguments."""
        data = self.cleaned_data
        return {
            "title": data["title"], "body": data["body"],
            "category_id": data["category"].pk if data["category"] else None,
            "tags": [t.strip() for t in data["tags"].split(",") if t.strip()],
            "language": data["language"],
            "translation_of_id": data["translation_of"].pk if data["translation_of"] else None,
            "audience": data["audience"], "companies": [c.pk for c in data["companies"]],
            "company_categories": [c.pk for c in data["company_categories"]],
            "equipment_kinds": [k.pk for k in data["equipment_kinds"]], "state": data["state"],
            "review_due": data["review_due"], "note": data["note"],
        }  # fmt: skip
