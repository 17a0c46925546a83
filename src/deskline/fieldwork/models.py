"""Checklist templates (and which tickets get them), a ticket's checklists with who ticked what
and when, and time entries: who worked on which ticket, how long, what kind of work."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.clients.models import EquipmentKind
from deskline.tickets.models import Category, Ticket, TicketType


class ItemKind(models.TextChoices):
    CHECK = "check", _("Tick")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("Choice")
    PHOTO = "photo", _("Photo")


class ChecklistTemplate(models.Model):
    """A list of steps; a new ticket gets it when its type, category or equipment kind is one of
    the template's (an empty list matches any; all empty: only added by hand)."""

    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    ticket_types = models.ManyToManyField(TicketType, blank=True, related_name="+",
                                          verbose_name=_("ticket types"))  # fmt: skip
    categories = models.ManyToManyField(Category, blank=True, related_name="+",
                                        verbose_name=_("categories"))  # fmt: skip
    equipment_kinds = models.ManyToManyField(EquipmentKind, blank=True, related_name="+",
                                             verbose_name=_("equipment kinds"))  # fmt: skip

    class Meta:
        ordering = ["name"]
        verbose_name = _("checklist template")

    def __str__(self) -> str:
        return self.name


class ItemFields(models.Model):
    """What a checklist step asks (shared by a template's items and a ticket's copies)."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("step"), max_length=300)
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices,
                            default=ItemKind.CHECK)  # fmt: skip
    required = models.BooleanField(_("required before resolving"), default=False)
    minimum = models.DecimalField(_("minimum"), max_digits=12, decimal_places=3, null=True,
                                  blank=True)  # fmt: skip
    maximum = models.DecimalField(_("maximum"), max_digits=12, decimal_places=3, null=True,
                                  blank=True)  # fmt: skip
    choices = models.JSONField(_("choices"), default=list, blank=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class ChecklistTemplateItem(ItemFields):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")

    class Meta(ItemFields.Meta):
        verbose_name = _("step")

    def __str__(self) -> str:
        return self.text


class TicketChecklist(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="checklists")
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")  # fmt: skip
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "template"], name="checklist_once_per_ticket")
        ]

    def __str__(self) -> str:
        return self.name


class TicketChecklistItem(ItemFields):
    checklist = models.ForeignKey(TicketChecklist, on_delete=models.CASCADE, related_name="items")
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")  # fmt: skip
    done_at = models.DateTimeField(null=True, blank=True)
    #: The number typed or the choice picked ("" for a plain tick).
    value = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.text


class TimeKind(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remote")
    TRAVEL = "travel", _("Travel")


class TimeEntry(models.Model):
    """Time one person spent on one ticket: a duration, or a running stopwatch (no minutes)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="time_entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    minutes = models.PositiveIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=8, choices=TimeKind.choices, default=TimeKind.REMOTE)
    billable = models.BooleanField(default=True)
    comment = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "started_at"], name="time_entry_ticket"),
            models.Index(fields=["user", "started_at"], name="time_entry_user"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(minutes__isnull=True),
                name="one_running_stopwatch_per_user",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.minutes or 0} min on ticket {self.ticket_id}"


from deskline.fieldwork.visit_models import (  # noqa: E402  (one app, models split by concept)
    FINISHED_VISIT,
    EngineerProfile,
    Visit,
    VisitAction,
    VisitPhoto,
    VisitStatus,
)

__all__ = [
    "FINISHED_VISIT",
    "ChecklistTemplate",
    "ChecklistTemplateItem",
    "EngineerProfile",
    "ExpiryReminder",
    "ExpirySettings",
    "ItemKind",
    "MaintenanceOccurrence",
    "MaintenancePlan",
    "TicketChecklist",
    "TicketChecklistItem",
    "TimeEntry",
    "TimeKind",
    "Visit",
    "VisitAction",
    "VisitPhoto",
    "VisitStatus",
]
# Planned maintenance and expiry reminders live in their own module (issue 15, items 6-7).
from deskline.fieldwork.maintenance_models import (  # noqa: E402
    ExpiryReminder,
    ExpirySettings,
    MaintenanceOccurrence,
    MaintenancePlan,
)
