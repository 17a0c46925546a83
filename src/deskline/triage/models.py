"""Triage's tables: trained model versions, each field's mode, and the predictions made.

A `TriageModel` is one versioned artefact per field (the pickled classifier, compressed, in
the database so every web process on every machine reads the same one) with the figures it
scored on held-out history. At most one version per field is active. `TriageFieldSetting` is
the admin's choice per field: off, suggest, or apply at or above a threshold.
`TicketPrediction` keeps what triage predicted for a ticket and what became of it (applied,
suggested, accepted, corrected, dismissed), which the triage report counts.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.triage.fields import NAMES

FIELD_CHOICES = [(name, name) for name in NAMES]


class TriageModel(models.Model):
    field = models.CharField(_("field"), max_length=16, choices=FIELD_CHOICES)
    version = models.PositiveIntegerField(_("version"))
    artefact = models.BinaryField(_("artefact"), editable=False)
    #: accuracy, macro_f1, ece, threshold_98, coverage_98, train_size, test_size, seconds,
    #: thresholds ([[t, precision, coverage], ...] on the held-out part), previous (the
    #: active version's accuracy on the same held-out part, if any), settings.
    metrics = models.JSONField(_("metrics"), default=dict)
    trained_at = models.DateTimeField(_("trained at"))
    is_active = models.BooleanField(_("active"), default=False)

    class Meta:
        ordering = ["field", "-version"]
        verbose_name = _("triage model")
        constraints = [
            models.UniqueConstraint(fields=["field", "version"], name="triage_model_version"),
            models.UniqueConstraint(
                fields=["field"], condition=models.Q(is_active=True), name="triage_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field} v{self.version}"


class Mode(models.TextChoices):
    OFF = "off", _("Off")
    SUGGEST = "suggest", _("Suggest")
    APPLY = "apply", _("Apply at or above the threshold")


class TriageFieldSetting(models.Model):
    field = models.CharField(_("field"), max_length=16, choices=FIELD_CHOICES, unique=True)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.OFF)
    threshold = models.FloatField(
        _("threshold"),
        default=0.9,
        help_text=_("Apply mode: a prediction at or above this probability is applied."),
    )

    class Meta:
        ordering = ["field"]
        verbose_name = _("triage field setting")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__gte=0) & models.Q(threshold__lte=1),
                name="triage_threshold_0_1",
            )
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.mode}"


class Outcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SUGGESTED = "suggested", _("Suggested")
    SHOWN = "shown", _("Below threshold")
    ACCEPTED = "accepted", _("Accepted")
    CORRECTED = "corrected", _("Corrected")
    DISMISSED = "dismissed", _("Dismissed")


class TicketPrediction(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="predictions"
    )
    field = models.CharField(max_length=16, choices=FIELD_CHOICES)
    value_id = models.BigIntegerField()
    label = models.CharField(max_length=200, blank=True)
    confidence = models.FloatField()
    model_version = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "field"], name="triage_prediction_once")
        ]

    def __str__(self) -> str:
        return f"{self.field}={self.label} ({self.confidence:.2f})"
