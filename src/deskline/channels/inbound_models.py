"""What every stored inbound delivery has (a monitoring notification, a PBX call event): the raw
body kept before it is read, keyed by its SHA-256 per source so a redelivery is the same row,
with its processing status, the reason of a quarantine, and the counts of deliveries and
attempts. Each channel's model adds its source and what it found in the body."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")
    QUARANTINED = "quarantined", _("Quarantined")


class InboundDelivery(models.Model):
    Status = InboundStatus

    #: SHA-256 of the body: the same delivery again is the same row.
    key = models.CharField(max_length=64)
    raw = models.BinaryField()
    status = models.CharField(
        max_length=12, choices=InboundStatus.choices, default=InboundStatus.RECEIVED,
        db_index=True,
    )  # fmt: skip
    reason = models.CharField(max_length=500, blank=True)
    deliveries = models.PositiveIntegerField(default=1)
    attempts = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.key[:12]}"  # type: ignore[attr-defined]
