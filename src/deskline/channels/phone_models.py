"""Telephony intake: sources (one endpoint and secret per PBX), raw call events, and one Call
row per call id with what the events told us, whom it reached and which ticket it is on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.channels.inbound_models import InboundDelivery
from deskline.clients.models import Company, Contact
from deskline.tickets.models import Ticket


class PhoneSource(models.Model):
    class Kind(models.TextChoices):
        GENERIC = "generic", _("Generic JSON call events")
        ASTERISK_ARI = "asterisk_ari", _("Asterisk ARI events")

    name = models.SlugField(_("name"), max_length=64, unique=True)
    kind = models.CharField(_("format"), max_length=16, choices=Kind.choices, default=Kind.GENERIC)
    is_active = models.BooleanField(_("active"), default=True)
    #: SHA-256 of the endpoint's secret (shown once by the admin action, never stored).
    token_digest = models.CharField(max_length=64, blank=True, editable=False)
    callback_on_missed = models.BooleanField(
        _("a missed call from a known client opens a callback ticket"), default=True
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CallEvent(InboundDelivery):
    """One delivery from the PBX as it arrived, stored before it is read."""

    source = models.ForeignKey(PhoneSource, on_delete=models.PROTECT, related_name="events")
    call_ids = models.JSONField(default=list, blank=True)

    class Meta(InboundDelivery.Meta):
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="call_event_unique_key")
        ]


class Call(models.Model):
    """One call (by the PBX's call id): its times, caller, agent and ticket."""

    class Status(models.TextChoices):
        RINGING = "ringing", _("Ringing")
        TALKING = "talking", _("Talking")
        COMPLETED = "completed", _("Completed")
        MISSED = "missed", _("Missed")

    source = models.ForeignKey(PhoneSource, on_delete=models.CASCADE, related_name="calls")
    call_id = models.CharField(max_length=200)
    direction = models.CharField(max_length=8, default="inbound")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RINGING, db_index=True
    )
    from_number = models.CharField(_("from"), max_length=64, blank=True)
    to_number = models.CharField(_("to"), max_length=64, blank=True)
    #: The client's number (the caller of an inbound call) in E.164, "" when unreadable.
    client_number = models.CharField(max_length=20, blank=True, db_index=True)
    extension = models.CharField(_("extension"), max_length=32, blank=True, db_index=True)
    rang = models.JSONField(default=list, blank=True)
    recording_url = models.URLField(_("recording"), max_length=1000, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    company = models.ForeignKey(
        Company, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: The ticket the call was logged on (its duration and recording go there once it ends).
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    callback_ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: When the duration note went to `ticket`; the recording may follow in a later note.
    logged_at = models.DateTimeField(null=True, blank=True)
    logged_recording = models.URLField(max_length=1000, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "call_id"], name="call_unique_call_id")
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="call_status_updated_idx")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.from_number} -> {self.to_number}"
