"""Knowledge items: what every one shares (language, audience, ordering) and reply templates.

`KnowledgeItem` is abstract so that knowledge-base articles can be added next to reply
templates with the same audience rules and the same visibility read (`selectors.visible`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Team
from deskline.knowledge.article_models import (
    Article,
    ArticleAudience,
    ArticleFeedback,
    ArticleFile,
    ArticleLanguage,
    ArticleState,
    ArticleTerm,
    ArticleVersion,
    Category,
    Deflection,
    SearchLog,
    Synonym,
    Tag,
    TermStat,
    Trigram,
)
from deskline.knowledge.bot_models import BotFlow, BotFlowStep, BotMessage, Conversation
from deskline.knowledge.placeholders import unknown_variables
from deskline.knowledge.variables import REPLY_VARIABLES

ALL_LANGUAGES = ""


LANGUAGE_CHOICES = [(ALL_LANGUAGES, _("All languages")), *settings.LANGUAGES]


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    TEAM = "team", _("A team")
    PERSONAL = "personal", _("Only its owner")


class KnowledgeItem(models.Model):
    """Who an item is for: everyone, one team's members, or only its owner."""

    language = models.CharField(
        _("language"), max_length=8, blank=True, default=ALL_LANGUAGES, choices=LANGUAGE_CHOICES
    )
    audience = models.CharField(
        _("shared with"), max_length=16, choices=Audience.choices, default=Audience.EVERYONE
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("team"),
    )  # fmt: skip
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", verbose_name=_("owner"),
    )  # fmt: skip
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        constraints = [
            # A team item names its team, a personal one its owner; nothing else is set.
            models.CheckConstraint(
                condition=(
                    models.Q(audience="everyone", team__isnull=True, owner__isnull=True)
                    | models.Q(audience="team", team__isnull=False, owner__isnull=True)
                    | models.Q(audience="personal", team__isnull=True, owner__isnull=False)
                ),
                name="%(app_label)s_%(class)s_audience",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.audience == Audience.TEAM and self.team_id is None:
            raise ValidationError({"team": _("Choose the team this is shared with.")})
        if self.audience == Audience.PERSONAL and self.owner_id is None:
            raise ValidationError({"owner": _("Choose whose personal item this is.")})
        if self.audience != Audience.TEAM:
            self.team = None
        if self.audience != Audience.PERSONAL:
            self.owner = None


class ReplyTemplate(KnowledgeItem):
    """A ready answer an agent inserts into a reply, with `{{ variables }}` of the ticket."""

    name = models.CharField(_("name"), max_length=200)
    body = models.TextField(_("text"))

    class Meta(KnowledgeItem.Meta):
        ordering = ["order", "name", "id"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        indexes = [models.Index(fields=["is_active", "audience"], name="reply_template_scope_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        unknown = unknown_variables(self.body, REPLY_VARIABLES)
        if unknown:
            raise ValidationError(
                {"body": _("Unknown variables: %(names)s") % {"names": ", ".join(unknown)}}
            )


__all__ = [
    "Article", "ArticleAudience", "ArticleFeedback", "ArticleFile", "ArticleLanguage",
    "ArticleState", "ArticleTerm", "ArticleVersion", "Audience", "BotFlow", "BotFlowStep",
    "BotMessage", "Conversation", "Category", "Deflection", "KnowledgeItem",
    "ReplyTemplate", "SearchLog", "Synonym", "Tag", "TermStat", "Trigram",
]  # fmt: skip
