"""Rows owned by operations: what an import has already brought in (its idempotency key),
and the admin's what-if page."""

from __future__ import annotations

from django.db import models

from deskline.routing.models import RuleSet


class ImportedRecord(models.Model):
    """One row of an imported file, by the old system's id: imported once, referable later."""

    source = models.CharField(max_length=100, help_text="The system the file came from.")
    kind = models.CharField(max_length=32)
    external_id = models.CharField(max_length=200)
    object_id = models.BigIntegerField()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "external_id"], name="imported_record_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.external_id} -> {self.object_id}"


class RoutingWhatIf(RuleSet):
    """The admin's what-if page (a proxy: no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = "routing what-if"
        verbose_name_plural = "routing what-if"
