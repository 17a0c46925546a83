"""The support bot's conversations and messages: channel-neutral (portal widget, API, later
Telegram), so a channel only carries text in and replies out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.knowledge.article_models import Article, Category


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:40]}"
