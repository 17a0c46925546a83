"""The support bot's conversations and messages, and the scripted flows admins define:
channel-neutral (portal widget, API, Telegram), so a channel only carries text in and replies
(with their buttons) out."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.knowledge.article_models import Article, Category


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


class BotFlow(models.Model):
    """A scripted conversation ("reset my password": ask the login, call a webhook, report the
    result), started when the client's message holds one of its trigger phrases. Its steps are
    checked as a whole (`flow_rules.flow_problems`) before it is saved."""

    name = models.CharField(_("name"), max_length=200)
    triggers = models.TextField(
        _("trigger phrases"),
        help_text=_("One per line; the flow starts when a message holds every word of one."),
    )
    start_step = models.SlugField(_("start step"), max_length=40)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    webhook_url = models.URLField(
        _("webhook URL"), blank=True,
        help_text=_("Called by webhook steps with the answers (JSON, signed with HMAC-SHA256 in "
                    "X-Deskline-Signature); its host must be in DESKLINE_OUTBOUND_ALLOWED_HOSTS."),
    )  # fmt: skip
    webhook_secret = models.CharField(_("webhook secret"), max_length=200, default=_new_secret)
    webhook_timeout = models.PositiveSmallIntegerField(
        _("webhook timeout (seconds)"), default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )  # fmt: skip

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("bot flow")
        verbose_name_plural = _("bot flows")

    def __str__(self) -> str:
        return self.name


class BotFlowStep(models.Model):
    class Kind(models.TextChoices):
        ASK = "ask", _("Ask a question")
        MESSAGE = "message", _("Say a message")
        ARTICLE = "article", _("Show an article")
        WEBHOOK = "webhook", _("Call the webhook")
        TICKET = "ticket", _("Open a ticket")

    flow = models.ForeignKey(BotFlow, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(_("key"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(
        _("text"), blank=True,
        help_text=_("The question, the message or the ticket's title; {name} puts in the "
                    "answer kept under that name."),
    )  # fmt: skip
    variable = models.SlugField(
        _("keep the answer as"), max_length=40, blank=True,
        help_text=_("For a question: the name its answer is kept under."),
    )  # fmt: skip
    buttons = models.TextField(
        _("buttons"), blank=True,
        help_text=_('For a question: one per line, "Label" or "Label => step key". Without '
                    "buttons the client answers in free text."),
    )  # fmt: skip
    next_step = models.SlugField(
        _("next step"), max_length=40, blank=True, help_text=_("Empty: the flow ends here.")
    )
    failure_step = models.SlugField(_("step when the webhook fails"), max_length=40, blank=True)
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("article"),
    )  # fmt: skip
    ticket_category = models.ForeignKey(
        "tickets.Category", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("ticket category"),
    )  # fmt: skip
    ticket_priority = models.ForeignKey(
        "tickets.Priority", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("ticket priority"),
    )  # fmt: skip

    class Meta:
        ordering = ["id"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.UniqueConstraint(fields=["flow", "key"], name="kb_flow_step_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.kind})"


class Conversation(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        SOLVED = "solved", _("Solved by the bot")
        HANDED_OVER = "handed_over", _("Handed over to a person")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16, default="portal")
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    #: The articles the bot offered, in order (what the ticket says was tried).
    tried = models.ManyToManyField(Article, blank=True, related_name="+")
    guessed_category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: The scripted flow under way, the step waiting for the client's answer, and the answers.
    flow = models.ForeignKey(
        BotFlow, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    flow_step = models.CharField(max_length=40, blank=True)
    flow_answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="kb_conversation_created_idx")]

    def __str__(self) -> str:
        return f"conversation {self.pk}"


class BotMessage(models.Model):
    class Kind(models.TextChoices):
        CLIENT = "client", _("Client")
        ANSWER = "answer", _("Answer")
        CLARIFY = "clarify", _("Clarifying question")
        NO_ANSWER = "no_answer", _("No answer")
        HANDOVER = "handover", _("Handed over")
        SOLVED = "solved", _("Solved")
        FLOW = "flow", _("Scripted step")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField()
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: Article ids a clarifying question offers.
    choices = models.JSONField(default=list, blank=True)
    #: Labels of the buttons a scripted question offers (pressing one says its label).
    buttons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:40]}"
