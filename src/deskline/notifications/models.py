"""The outbox (one row per notification), templates per event and language, preferences."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.notifications.context import sample_context
from deskline.notifications.rendering import template_errors
from deskline.tickets.models import Ticket


class Event(models.TextChoices):
    TICKET_CREATED = "ticket_created", _("Ticket created (acknowledgement)")
    AGENT_REPLIED = "agent_replied", _("Public reply by an agent")
    CLIENT_REPLIED = "client_replied", _("Reply by the client (to the assignee)")
    STATUS_CHANGED = "status_changed", _("Status changed")
    TICKET_RESOLVED = "ticket_resolved", _("Ticket resolved (rating link)")
    TICKET_ASSIGNED = "ticket_assigned", _("Ticket assigned (to the agent)")
    SLA_WARNING = "sla_warning", _("SLA warning (to the manager)")
    SENDER_REFUSED = "sender_refused", _("Unknown sender refused")
    PASSWORD_RESET = "password_reset", _("Password reset link")
    NPS_SURVEY = "nps_survey", _("Periodic NPS question (to each contact)")
    POOR_SCORE = "poor_score", _("Poor survey score (to the team lead and the company's manager)")
    ENGINEER_EN_ROUTE = "engineer_en_route", _("The engineer is on the way (to the contact)")
    VISIT_DONE = "visit_done", _("Visit done, please confirm (to the contact)")
    CHAT_REPLY = "chat_reply", _("The bot's answer in a chat (Telegram)")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    TELEGRAM = "telegram", _("Telegram")
    SMS = "sms", _("SMS")


class Outbox(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    event = models.CharField(max_length=32, choices=Event.choices)
    recipient = models.CharField(max_length=320)
    subject = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    #: Makes queueing idempotent: one notification per (source event, recipient, kind).
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("outbox")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.event} to {self.recipient} ({self.status})"


class NotificationTemplate(models.Model):
    event = models.CharField(max_length=32, choices=Event.choices)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    subject = models.CharField(max_length=500, help_text=_("Django template syntax"))
    body = models.TextField(help_text=_("Plain text, Django template syntax"))

    class Meta:
        ordering = ["event", "language"]
        constraints = [
            models.UniqueConstraint(fields=["event", "language"], name="template_event_language")
        ]

    def __str__(self) -> str:
        return f"{self.event} ({self.language})"

    def clean(self) -> None:
        """A template must render: checked with sample values when it is saved, so a typo
        never silently costs a client their notification."""
        errors = template_errors(self.subject, self.body, sample_context())
        if errors:
            raise ValidationError(errors)


class NotificationPreference(models.Model):
    """A user's choice for one event; no row means the default: on, by email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(max_length=32, choices=Event.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="preference_user_event")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.event} {self.channel} {'on' if self.enabled else 'off'}"
