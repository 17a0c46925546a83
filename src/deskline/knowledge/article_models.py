"""Knowledge-base articles: categories, tags, articles with their versions and translations.

An article's Markdown body is rendered and sanitised once, on save (`services.article_save`),
into `body_html`; pages show that and never render Markdown per request. Who may read an
article is decided in one place: `selectors.articles_for`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.clients.models import Company, CompanyCategory, EquipmentKind


class Category(models.Model):
    """A node of the category tree (e.g. Cash registers > Paper and printing)."""

    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent"),
    )  # fmt: skip
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name", "id"]
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class ArticleAudience(models.TextChoices):
    PUBLIC = "public", _("Public")
    CLIENTS = "clients", _("Clients of given companies")
    INTERNAL = "internal", _("Internal (staff only)")


class ArticleState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ArticleLanguage(models.TextChoices):
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")


class Article(models.Model):
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles",
        verbose_name=_("category"),
    )  # fmt: skip
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=ArticleLanguage.choices,
        default=ArticleLanguage.RUSSIAN,
    )
    #: The article this one translates; translations of one article share their original.
    translation_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="translations",
        verbose_name=_("translation of"),
    )  # fmt: skip
    audience = models.CharField(
        _("audience"), max_length=16, choices=ArticleAudience.choices,
        default=ArticleAudience.INTERNAL,
    )  # fmt: skip
    companies = models.ManyToManyField(
        Company, blank=True, related_name="+", verbose_name=_("for companies")
    )
    company_categories = models.ManyToManyField(
        CompanyCategory, blank=True, related_name="+", verbose_name=_("for company categories")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ArticleState.choices, default=ArticleState.DRAFT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("owner"),
    )  # fmt: skip
    review_due = models.DateField(_("review by"), null=True, blank=True)
    #: The review date its owner was last reminded of (the reminder goes once per date).
    review_reminded_for = models.DateField(null=True, blank=True, editable=False)
    equipment_kinds = models.ManyToManyField(
        EquipmentKind, blank=True, related_name="+", verbose_name=_("equipment kinds")
    )
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("related articles")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    view_count = models.PositiveIntegerField(default=0, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["state", "audience"], name="kb_article_scope_idx")]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """The article as one save left it: the history that diffs and restores read."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=ArticleState.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


#: Uploaded types an article shows inline (in an <img>); every other file is a download.
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


class ArticleFile(models.Model):
    """An image or attachment of an article, stored like a ticket's attachments and readable
    by whoever may read the article (`article_selectors.article_file_for`)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="kb/%Y/%m/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type in INLINE_IMAGE_TYPES

    @property
    def url(self) -> str:
        """Where readers get it (the help centre's address; staff read drafts' files there too)."""
        return f"/portal/help/articles/{self.article_id}/files/{self.pk}/"


class Synonym(models.Model):
    """Words a search treats as one (e.g. "касса, ККТ, cash register"), edited by admins."""

    words = models.CharField(
        _("words"),
        max_length=500,
        help_text=_("Comma-separated words or phrases that mean the same"),
    )

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self) -> str:
        return self.words


class ArticleTerm(models.Model):
    """The search index: one row per (article, stem) with its weight (title above body)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=64)
    weight = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["term", "article"], name="kb_term_article_unique")
        ]
        indexes = [
            models.Index(fields=["article"], name="kb_term_article_idx"),
            models.Index(fields=["term", "-weight"], name="kb_term_impact_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.article_id})"


class TermStat(models.Model):
    """How many articles hold a stem (the idf of a search), kept by the indexer."""

    term = models.CharField(max_length=64, primary_key=True)
    articles = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.term}: {self.articles}"


class Trigram(models.Model):
    """Character trigrams of every indexed stem: what a misspelt word is matched through."""

    gram = models.CharField(max_length=3)
    term = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["gram", "term"], name="kb_trigram_unique")]

    def __str__(self) -> str:
        return f"{self.gram} {self.term}"


class ArticleFeedback(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    helpful = models.BooleanField()
    reason = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="kb_feedback_created_idx")]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.helpful}"


class Deflection(models.Model):
    """A question answered by an article with no ticket: from the portal form or the bot."""

    class Source(models.TextChoices):
        PORTAL_FORM = "portal_form", _("Portal ticket form")
        BOT = "bot", _("Bot")

    source = models.CharField(max_length=16, choices=Source.choices)
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    query = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="kb_deflection_created_idx")]

    def __str__(self) -> str:
        return f"{self.source}: {self.article_id}"


class SearchLog(models.Model):
    """One search (lower-cased, so the report groups it) and how many answers it had:
    "searches with no result" is what to write next."""

    query = models.CharField(max_length=500)
    results = models.PositiveIntegerField()
    source = models.CharField(max_length=16, default="search")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="kb_searchlog_created_idx")]

    def __str__(self) -> str:
        return self.query
