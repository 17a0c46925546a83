"""The one-row table whose token tells every process when reference data changed."""

from __future__ import annotations

from django.db import models


class ReferenceGeneration(models.Model):
    """Replaced with a new random token by every write to a watched reference table."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "reference data generation"

    def __str__(self) -> str:
        return self.token


class OutboundLog(models.Model):
    """A message a sandbox would have sent (mail, Telegram, SMS, webhook): kept, not sent."""

    channel = models.CharField(max_length=16)
    recipient = models.CharField(max_length=500)
    subject = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "message kept by the sandbox"
        verbose_name_plural = "messages kept by the sandbox"

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient}"
