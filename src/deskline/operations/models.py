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


class AuditEntry(models.Model):
    """One configuration change made through the admin or the API: who, when, before/after."""

    class Action(models.TextChoices):
        CREATED = "created", "created"
        CHANGED = "changed", "changed"
        DELETED = "deleted", "deleted"

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    model = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    #: {field: [before, after]} (passwords and secrets as "(changed)", never their values)
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=128, blank=True)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "configuration change"
        verbose_name_plural = "audit log of configuration changes"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.model}:{self.object_id}"
