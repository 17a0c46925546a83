"""Outgoing webhook subscriptions and their deliveries (one row per subscription and event).

The tables were created by the routing app and moved here, where DESIGN puts outgoing webhooks
(channels/migrations/0004 renames them; routing/migrations/0003 forgets them).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deskline.tickets.models import TicketEvent


class WebhookSubscription(models.Model):
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(max_length=1000)
    secret = models.CharField(max_length=200, help_text=_("HMAC-SHA256 key for the signature"))
    #: TicketEvent kinds to send; empty means every kind.
    event_kinds = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    max_attempts = models.PositiveSmallIntegerField(default=6)
    disable_after = models.PositiveSmallIntegerField(
        default=10, help_text=_("Disable after this many failed attempts in a row.")
    )
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        TicketEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payload = models.JSONField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"delivery {self.pk} to {self.subscription_id}: {self.state}"
