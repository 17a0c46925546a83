"""Monitoring intake: sources (one endpoint and secret each), mapping rules, raw payloads,
the deduplication state per alert fingerprint, and the parent incidents of busy sites."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.channels.inbound_models import InboundDelivery
from deskline.clients.models import Company, Equipment, Site
from deskline.tickets.models import Ticket


class AlertSource(models.Model):
    class Kind(models.TextChoices):
        ALERTMANAGER = "alertmanager", _("Prometheus Alertmanager")
        GRAFANA = "grafana", _("Grafana")
        ZABBIX = "zabbix", _("Zabbix (webhook media type)")
        GENERIC = "generic", _("Generic JSON")

    name = models.SlugField(_("name"), max_length=64, unique=True)
    kind = models.CharField(_("format"), max_length=16, choices=Kind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    #: SHA-256 of the endpoint's secret (shown once by the admin action, never stored).
    token_digest = models.CharField(max_length=64, blank=True, editable=False)
    default_company = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("company when no rule matches"),
    )
    severity_priorities = models.JSONField(
        _("severity -> priority code"),
        default=dict,
        blank=True,
        help_text=_('Overrides, e.g. {"warning": "high"}; unlisted severities use the defaults.'),
    )
    resolve_on_recovery = models.BooleanField(
        _("resolve the ticket when the alert resolves"), default=False
    )
    flap_window_minutes = models.PositiveIntegerField(
        _("flap window (minutes)"),
        default=30,
        help_text=_("An alert firing again this soon after its recovery returns to its ticket."),
    )
    group_window_minutes = models.PositiveIntegerField(_("grouping window (minutes)"), default=10)
    group_threshold = models.PositiveSmallIntegerField(
        _("alerts of one site that open a parent incident"),
        default=3,
        help_text=_("0 or 1 switches grouping off."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AlertRule(models.Model):
    """Alerts whose label matches the pattern belong to this company, site or equipment."""

    source = models.ForeignKey(
        AlertSource,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        help_text=_("Empty: every source."),
    )
    order = models.PositiveIntegerField(_("order"), default=100)
    label = models.CharField(
        _("label"), max_length=100, help_text=_("e.g. instance, host, job, site")
    )
    pattern = models.CharField(
        _("pattern"), max_length=300, help_text=_("Glob, case-insensitive: shop-12-*, *.acme.ru")
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    equipment = models.ForeignKey(
        Equipment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.label} ~ {self.pattern}"


class AlertPayload(InboundDelivery):
    """One notification as it arrived, stored before it is read."""

    source = models.ForeignKey(AlertSource, on_delete=models.PROTECT, related_name="payloads")
    fingerprints = models.JSONField(default=list, blank=True)

    class Meta(InboundDelivery.Meta):
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="alert_payload_unique_key")
        ]


class Alert(models.Model):
    """What we know of one alert (by fingerprint): its ticket, whether it fires, how often."""

    source = models.ForeignKey(AlertSource, on_delete=models.CASCADE, related_name="alerts")
    fingerprint = models.CharField(max_length=200)
    name = models.CharField(max_length=300)
    severity = models.CharField(max_length=50, blank=True)
    labels = models.JSONField(default=dict, blank=True)
    is_firing = models.BooleanField(default=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    company = models.ForeignKey(
        Company, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    equipment = models.ForeignKey(
        Equipment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    firing_count = models.PositiveIntegerField(default=1)
    flaps = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField()
    last_fired_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_fired_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "fingerprint"], name="alert_unique_fingerprint"
            )
        ]
        indexes = [models.Index(fields=["site", "opened_at"], name="alert_site_opened_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.fingerprint})"


class AlertIncident(models.Model):
    """The parent ticket that gathers the alerts of one site within the grouping window."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["site", "opened_at"], name="alert_incident_site_idx")]

    def __str__(self) -> str:
        return f"site {self.site_id}: ticket {self.ticket_id}"
