"""Triage's tables: trained model versions, each field's mode, and the predictions made.

A `TriageModel` is one versioned artefact per field (the compact scoring form the web process
loads and the pickled classifier, each compressed, see `compact.pack_artefact`; in the database
so every web process on every machine reads the same one) with the figures it
scored on held-out history. At most one version per field is active. `TriageFieldSetting` is
the admin's choice per field: off, suggest, or apply at or above a threshold.
`TicketEmbedding` is a ticket's stored sentence embedding (the `ml` extra).
`TicketPrediction` keeps what triage predicted for a ticket and what became of it (applied,
suggested, accepted, corrected, dismissed), which the triage report counts.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.triage.fields import NAMES
from deskline.triage.thresholds import FLAG_AT

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


class MessageTone(models.Model):
    """The tone of an inbound message: a new ticket's description, or a client's comment."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="tones")
    comment = models.OneToOneField(
        "tickets.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="tone"
    )
    tone = models.CharField(max_length=8)
    confidence = models.FloatField()
    angry = models.FloatField()
    urgent = models.FloatField()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="triage_tone_ticket_idx"),
            # The angry messages' tickets (the "angry clients" view and its count start there).
            models.Index(
                fields=["ticket"], condition=models.Q(angry__gte=FLAG_AT), name="triage_tone_angry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tone} ({self.confidence:.2f})"

    @property
    def is_angry(self) -> bool:
        return self.angry >= 0.5

    @property
    def is_urgent(self) -> bool:
        return self.urgent >= 0.5


class DuplicateFlag(models.Model):
    """A new ticket that looks like an open one of the same contact."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="duplicate_flag"
    )
    of_ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.ticket_id} ~ {self.of_ticket_id} ({self.similarity:.2f})"


class MassIncident(models.Model):
    """Several companies reporting the same thing on the same equipment model or at the same
    address within a short window: a proposal to make a parent ticket and link them."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    key = models.CharField(max_length=300)  # "equipment_model:<id>" or "address:<normalised>"
    label = models.CharField(max_length=300)
    title = models.CharField(max_length=300)
    tickets = models.ManyToManyField("tickets.Ticket", related_name="mass_incidents")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    parent = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "state", "updated_at"], name="triage_mass_key_idx")]

    def __str__(self) -> str:
        return self.title


class TicketEmbedding(models.Model):
    """A ticket's sentence embedding (float32 bytes, see `embeddings.py`), made once in the
    background when the ticket is created or its title or description changes, and read by
    training so that retraining never embeds again. `text_hash` is what it was made from;
    `encoder` names the model (vectors of another model are not used)."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )
    encoder = models.CharField(max_length=100)
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.encoder}"
