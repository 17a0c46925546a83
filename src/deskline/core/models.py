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
