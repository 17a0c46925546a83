"""Visits (work orders on site), the engineers who make them, and the phone's queued actions.

A visit belongs to a ticket and a site: a planned window, a crew, a status, the actual check-in
and check-out with the phone's coordinates and their distance to the site, photos, the client's
signature and the materials used. `version` grows with every change, so an action queued on a
phone while offline can tell that the dispatcher moved the visit meanwhile. `VisitAction` keeps
every action a phone sent, keyed by the phone's own id, so a retried sync applies nothing twice."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.clients.models import Site
from deskline.tickets.models import Attachment, Ticket


def _weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


class EngineerProfile(models.Model):
    """A field engineer: a row on the dispatch board, a home base, working hours, last position."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="field_profile", verbose_name=_("user"))  # fmt: skip
    is_active = models.BooleanField(_("on the dispatch board"), default=True)
    home_latitude = models.DecimalField(_("home base latitude"), max_digits=9, decimal_places=6,
                                        null=True, blank=True)  # fmt: skip
    home_longitude = models.DecimalField(_("home base longitude"), max_digits=9,
                                         decimal_places=6, null=True, blank=True)  # fmt: skip
    day_start = models.TimeField(_("working day starts"), default=dt.time(9))
    day_end = models.TimeField(_("working day ends"), default=dt.time(18))
    weekdays = models.JSONField(_("working weekdays"), default=_weekdays,
                                help_text=_("0 = Monday … 6 = Sunday"))  # fmt: skip
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    last_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    last_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("field engineer")
        verbose_name_plural = _("field engineers")

    def __str__(self) -> str:
        return str(self.user)


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    EN_ROUTE = "en_route", _("En route")
    ON_SITE = "on_site", _("On site")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


#: Statuses after which nothing more happens on a visit.
FINISHED_VISIT = frozenset({VisitStatus.DONE, VisitStatus.CANCELLED, VisitStatus.FAILED})


class Visit(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="visits")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="visits")
    engineers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="field_visits")
    planned_start = models.DateTimeField(_("planned start"))
    planned_end = models.DateTimeField(_("planned end"))
    status = models.CharField(max_length=10, choices=VisitStatus.choices,
                              default=VisitStatus.PLANNED)  # fmt: skip
    failure_reason = models.CharField(max_length=500, blank=True)
    en_route_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    check_in_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    check_in_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True,
                                             blank=True)  # fmt: skip
    check_in_distance_m = models.PositiveIntegerField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    check_out_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True,
                                             blank=True)  # fmt: skip
    check_out_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True,
                                              blank=True)  # fmt: skip
    check_out_distance_m = models.PositiveIntegerField(null=True, blank=True)
    materials = models.TextField(_("materials used"), blank=True)
    signature = models.ForeignKey(Attachment, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")  # fmt: skip
    signed_by = models.CharField(_("signed by"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["planned_start", "pk"]
        indexes = [
            models.Index(fields=["planned_start"], name="visit_planned_start"),
            models.Index(fields=["ticket", "status"], name="visit_ticket_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gt=models.F("planned_start")),
                name="visit_ends_after_start",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"visit {self.pk} on ticket {self.ticket_id}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    attachment = models.ForeignKey(Attachment, on_delete=models.CASCADE, related_name="+")
    taken_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"photo {self.attachment_id} of visit {self.visit_id}"


class VisitAction(models.Model):
    """One action a phone sent (applied, applied with a conflict, or refused), kept for good."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        CONFLICT = "conflict", _("Applied; the visit had changed")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client_id = models.CharField(max_length=64)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, null=True, related_name="actions")
    kind = models.CharField(max_length=24)
    payload = models.JSONField(default=dict)
    client_time = models.DateTimeField()
    seen_version = models.PositiveIntegerField(null=True)
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id"], name="visit_action_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.client_id} ({self.outcome})"
