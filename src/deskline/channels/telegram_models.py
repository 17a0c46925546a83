"""Telegram intake: the bot (token sealed like mailbox secrets), every update as it arrived
(keyed by the bot's update_id, stored before it is read), chats linked to contacts, one-time
link codes, and the map of messages to tickets (replies and edits find their ticket by it)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.clients.models import Contact
from deskline.tickets.models import Comment, Ticket


class TelegramBot(models.Model):
    class Mode(models.TextChoices):
        POLLING = "polling", _("Long polling (deskline telegram poll)")
        WEBHOOK = "webhook", _("Webhook")

    name = models.SlugField(_("name"), max_length=64, unique=True)
    username = models.CharField(
        _("bot username"), max_length=64, blank=True, help_text=_("Without @; for t.me links.")
    )
    #: Sealed with deskline.channels.vault ("fernet:<token>"), never stored in clear.
    token = models.TextField(_("Bot API token"), help_text=_("From @BotFather."))
    is_active = models.BooleanField(_("active"), default=True)
    mode = models.CharField(_("updates by"), max_length=8, choices=Mode.choices, default="polling")
    #: SHA-256 of the webhook's secret token (set by the admin action, never stored).
    webhook_secret_digest = models.CharField(max_length=64, blank=True, editable=False)
    conversation_minutes = models.PositiveIntegerField(
        _("conversation window (minutes)"),
        default=60,
        help_text=_("Messages this soon after the last one go to the same ticket."),
    )
    self_service = models.BooleanField(
        _("the support bot answers first"),
        default=False,
        help_text=_(
            "A new question from a client with a portal login goes to the knowledge-base bot; "
            "a ticket is opened when it has no answer or the client asks for a person."
        ),
    )
    #: The next getUpdates offset: advanced only after the updates before it are stored.
    update_offset = models.BigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TelegramChat(models.Model):
    """A private chat with the bot; linked to a contact once the client proves who they are."""

    class LinkedBy(models.TextChoices):
        CODE = "code", _("One-time code")
        PHONE = "phone", _("Shared phone number")
        ADMIN = "admin", _("Administrator")

    bot = models.ForeignKey(TelegramBot, on_delete=models.CASCADE, related_name="chats")
    chat_id = models.BigIntegerField()
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="telegram_chats"
    )
    username = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=300, blank=True)
    linked_by = models.CharField(max_length=8, choices=LinkedBy.choices, blank=True)
    linked_at = models.DateTimeField(null=True, blank=True)
    asked_to_link_at = models.DateTimeField(null=True, blank=True)
    #: The ticket of the running conversation and when the client last wrote.
    last_ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_message_at = models.DateTimeField(null=True, blank=True)
    #: The knowledge-base bot's conversation running in this chat, if any.
    bot_conversation_id = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["bot", "chat_id"], name="telegram_chat_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name or self.username or self.chat_id}"


class TelegramUpdate(models.Model):
    """One update as Telegram sent it, stored before it is read."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        HELD = "held", _("Held (unlinked chat or waiting for the client's choice)")
        IGNORED = "ignored", _("Ignored")
        QUARANTINED = "quarantined", _("Quarantined")

    bot = models.ForeignKey(TelegramBot, on_delete=models.PROTECT, related_name="updates")
    update_id = models.BigIntegerField()
    raw = models.BinaryField()
    kind = models.CharField(max_length=40, blank=True)
    chat_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    reason = models.CharField(max_length=500, blank=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveIntegerField(default=0)
    deliveries = models.PositiveIntegerField(default=1)
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-update_id"]
        constraints = [
            models.UniqueConstraint(fields=["bot", "update_id"], name="telegram_update_unique")
        ]
        indexes = [
            models.Index(fields=["bot", "chat_id", "status"], name="telegram_update_chat_idx")
        ]

    def __str__(self) -> str:
        return f"{self.bot_id}:{self.update_id}"


class TelegramLinkCode(models.Model):
    """A one-time code from the portal's "Connect Telegram" (`/start CODE`); only its digest."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    code_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    chat = models.ForeignKey(
        TelegramChat, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"code for {self.contact_id}"


class TelegramMessage(models.Model):
    """Which ticket (and comment) a message in a chat belongs to, in and out."""

    class Direction(models.TextChoices):
        IN = "in", _("From the client")
        OUT = "out", _("From us")

    bot = models.ForeignKey(TelegramBot, on_delete=models.CASCADE, related_name="+")
    chat_id = models.BigIntegerField()
    message_id = models.BigIntegerField()
    direction = models.CharField(max_length=3, choices=Direction.choices)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bot", "chat_id", "message_id", "direction"],
                name="telegram_message_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.chat_id}/{self.message_id} -> {self.ticket_id}"
