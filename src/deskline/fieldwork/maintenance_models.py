"""Planned maintenance: plans (what, how often, which ticket), their occurrences (one row per
due date, claimed once by the scheduler), and expiry reminders sent (one row per item and step).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Team
from deskline.clients.models import Company, Contract, Equipment, EquipmentKind, Site
from deskline.tickets.models import Category, Priority, Ticket, TicketType


class PlanScope(models.TextChoices):
    EQUIPMENT = "equipment", _("One piece of equipment")
    KIND_AT_SITE = "kind_at_site", _("An equipment kind at a site")
    CONTRACT = "contract", _("A contract")


class MaintenancePlan(models.Model):
    """A recurring maintenance: a rule (RFC 5545 RRULE from `starts_on`) or every N operating
    hours of a counter parameter, and the ticket each due date creates `lead_days` ahead."""

    name = models.CharField(_("name"), max_length=200)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(_("applies to"), max_length=16, choices=PlanScope.choices,
                             default=PlanScope.EQUIPMENT)  # fmt: skip
    equipment = models.ForeignKey(Equipment, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="maintenance_plans")  # fmt: skip
    site = models.ForeignKey(Site, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="maintenance_plans")  # fmt: skip
    equipment_kind = models.ForeignKey(EquipmentKind, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+")  # fmt: skip
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="maintenance_plans")  # fmt: skip
    rule = models.CharField(_("recurrence (RRULE)"), max_length=500, blank=True,
                            help_text=_("e.g. FREQ=MONTHLY;INTERVAL=3"))  # fmt: skip
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    every_hours = models.PositiveIntegerField(_("every N operating hours"), null=True, blank=True)
    counter_parameter = models.CharField(_("counter parameter"), max_length=64, blank=True)
    lead_days = models.PositiveSmallIntegerField(_("create the ticket days ahead"), default=7)
    title = models.CharField(_("ticket title"), max_length=300)
    description = models.TextField(_("ticket description"), blank=True)
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")  # fmt: skip
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")  # fmt: skip
    priority = models.ForeignKey(Priority, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")  # fmt: skip
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")  # fmt: skip
    checklist_template = models.ForeignKey("fieldwork.ChecklistTemplate", on_delete=models.SET_NULL,
                                           null=True, blank=True, related_name="+")  # fmt: skip
    is_active = models.BooleanField(_("active"), default=True)
    #: The scheduler's cursor: the first rule date not yet written as an occurrence, and the day
    #: its ticket is due to be created (that date minus the lead). Counter plans: the next mark.
    next_due_on = models.DateField(null=True, blank=True, editable=False)
    create_from = models.DateField(null=True, blank=True, editable=False)
    counter_next = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("maintenance plan")
        indexes = [models.Index(fields=["is_active", "create_from"], name="plan_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(rule="") & models.Q(every_hours__isnull=False))
                | (~models.Q(rule="") & models.Q(every_hours__isnull=True)),
                name="plan_rule_or_counter",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OccurrenceState(models.TextChoices):
    PENDING = "pending", _("Planned")
    CREATED = "created", _("Ticket created")
    SKIPPED = "skipped", _("Skipped")
    FAILED = "failed", _("Failed")


class MaintenanceOccurrence(models.Model):
    """One due date of a plan. The row exists before its ticket; the scheduler claims it with a
    compare-and-set (pending -> created) in the transaction that creates the ticket, so the
    ticket is created once whatever the number of workers and restarts."""

    plan = models.ForeignKey(MaintenancePlan, on_delete=models.CASCADE, related_name="occurrences")
    #: The rule's date (the key); a counter plan's is the day the mark was reached.
    due_on = models.DateField(_("due"))
    #: When the visit is planned: the next working day of the site, or where it was moved.
    scheduled_on = models.DateField(_("planned for"))
    create_on = models.DateField()
    counter_at = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=OccurrenceState.choices,
                             default=OccurrenceState.PENDING)  # fmt: skip
    moved = models.BooleanField(default=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")  # fmt: skip
    note = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["state", "create_on"], name="occurrence_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "due_on"],
                name="occurrence_once_per_date",
                condition=models.Q(counter_at__isnull=True),
            ),  # fmt: skip
            models.UniqueConstraint(
                fields=["plan", "counter_at"],
                name="occurrence_once_per_mark",
                condition=models.Q(counter_at__isnull=False),
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} on {self.due_on}"


class ExpiryKind(models.TextChoices):
    WARRANTY = "warranty", _("Warranty")
    CONTRACT = "contract", _("Contract")
    PARAMETER = "parameter", _("Licence or certificate")


class ExpirySettings(models.Model):
    """Per company: whether its contact hears of expiring items too, and the steps (days)."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="+")
    notify_contact = models.ForeignKey("clients.Contact", on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="+")  # fmt: skip
    steps = models.JSONField(_("reminder steps (days before)"), default=list, blank=True)

    class Meta:
        verbose_name = _("expiry reminder settings")

    def __str__(self) -> str:
        return str(self.company_id)


class ExpiryReminder(models.Model):
    """A reminder sent: one per item, expiry date and step, so each goes out once."""

    kind = models.CharField(max_length=10, choices=ExpiryKind.choices)
    #: The equipment or contract id; `parameter` names the equipment's date parameter.
    object_id = models.PositiveIntegerField()
    parameter = models.CharField(max_length=64, blank=True)
    expires_on = models.DateField()
    step_days = models.PositiveSmallIntegerField()
    recipients = models.JSONField(default=list)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "parameter", "expires_on", "step_days"],
                name="expiry_reminder_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.expires_on} -{self.step_days}d"
