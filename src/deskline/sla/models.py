"""SLA configuration (calendars, policies, rules, escalation steps) and per-ticket SLA state.

Calendars and policies carry a `version` that services bump on every change (shown in the API;
the cache of built calendars in resolve.py is keyed by content instead). A ticket's SLA
state lives in TicketSla (one-to-one) and TicketStatusPeriod rows; the deadlines themselves are
the ticket's own columns (reaction_due, resolution_due, paused_minutes, ...).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deskline.accounts.models import Team
from deskline.clients.models import Company, CompanyCategory, Contract, Site
from deskline.sla import calendars
from deskline.tickets.models import Category, Phase, Priority, Status, Ticket, TicketType

BUSINESS_WEEK = ["09:00-18:00"] * 5 + ["", ""]
#: An SLA rule's tone condition (sla.matching.TONE_LABELS and TONE_SIGNALS).
TONE_CHOICES = [
    ("negative", pgettext_lazy("tone", "Negative")), ("neutral", pgettext_lazy("tone", "Neutral")),
    ("positive", pgettext_lazy("tone", "Positive")), ("angry", pgettext_lazy("tone", "Angry")),
    ("urgent", pgettext_lazy("tone", "Urgent")),
]  # fmt: skip


def _default_week() -> list[str]:
    return list(BUSINESS_WEEK)


def _default_pause_phases() -> list[str]:
    return [Phase.WAITING]


class Calendar(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    always = models.BooleanField(_("24/7"), default=False)
    week = models.JSONField(
        _("weekly hours"),
        default=_default_week,
        help_text=_('Seven days, Monday first, e.g. "09:00-13:00, 14:00-18:00"; empty = off.'),
    )
    country = models.CharField(
        _("holidays of country"), max_length=8, blank=True, help_text=_("ISO code, e.g. RU")
    )
    subdiv = models.CharField(_("subdivision"), max_length=16, blank=True)
    is_default = models.BooleanField(_("default"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="sla_calendar_default",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            calendars.parse_week(self.week if isinstance(self.week, list) else [])
            if self.country:
                calendars.check_country(self.country, self.subdiv)
            calendars.build_calendar(calendars.CalendarSpec(self.time_zone, ("",) * 7), [])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class CalendarException(models.Model):
    class Kind(models.TextChoices):
        DAY_OFF = calendars.DAY_OFF, _("Extra day off")
        WORKING_DAY = calendars.WORKING_DAY, _("Extra working day")
        SHORTENED_DAY = calendars.SHORTENED_DAY, _("Shortened day")

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="exceptions")
    day = models.DateField(_("date"))
    kind = models.CharField(max_length=16, choices=Kind.choices)
    hours = models.CharField(
        _("hours"), max_length=200, blank=True, help_text=_('e.g. "09:00-17:00"')
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "day"], name="sla_exception_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"

    def clean(self) -> None:
        try:
            calendars.ExceptionSpec(self.day, self.kind, self.hours).schedule(((540, 1080),))
        except ValueError as exc:
            raise ValidationError({"hours": str(exc)}) from exc


class SlaPolicy(models.Model):
    class ReactionMode(models.TextChoices):
        REPLY = "reply", _("First public reply by an agent")
        PHASE = "phase", _("Move to an in-progress (open) status")
        EITHER = "either", _("Whichever comes first")

    name = models.CharField(_("name"), max_length=200, unique=True)
    calendar = models.ForeignKey(
        Calendar, on_delete=models.PROTECT, null=True, blank=True, related_name="policies"
    )
    pause_phases = models.JSONField(_("pausing phases"), default=_default_pause_phases, blank=True)
    pause_statuses = models.ManyToManyField(
        Status, blank=True, related_name="+", verbose_name=_("pausing statuses")
    )
    reaction_mode = models.CharField(
        max_length=8, choices=ReactionMode.choices, default=ReactionMode.REPLY
    )
    risk_threshold = models.FloatField(
        _("breach risk warning threshold"), default=0.15, help_text=_("0..1; warn the manager once")
    )
    is_default = models.BooleanField(_("default"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="sla_policy_default",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SlaTarget(models.Model):
    """Working minutes to react and to resolve, for one priority (empty = no deadline)."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="+")
    reaction_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["policy", "-priority__weight"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.policy}: {self.priority}"


class SlaRule(models.Model):
    """Gives `policy` to tickets matching every condition it names (first match by order)."""

    order = models.PositiveIntegerField(default=0)
    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="rules")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, null=True, blank=True)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, null=True, blank=True)
    company_category = models.ForeignKey(
        CompanyCategory, on_delete=models.CASCADE, null=True, blank=True
    )
    type = models.ForeignKey(TicketType, on_delete=models.CASCADE, null=True, blank=True)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True)
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, null=True, blank=True)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, null=True, blank=True)
    tone = models.CharField(
        _("tone"), max_length=8, blank=True, choices=TONE_CHOICES,
        help_text=_("Of the client's latest message, as triage scored it; empty = any."),
    )  # fmt: skip
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("SLA rule")

    def __str__(self) -> str:
        return f"#{self.order} → {self.policy}"


class EscalationStep(models.Model):
    class Deadline(models.TextChoices):
        REACTION = "reaction", _("Reaction")
        RESOLUTION = "resolution", _("Resolution")

    class Trigger(models.TextChoices):
        ELAPSED = "elapsed", _("Share of the target elapsed (%)")
        BEFORE = "before", _("Working minutes before the deadline")
        BREACH = "breach", _("At the breach")

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(max_length=200)
    deadline = models.CharField(max_length=10, choices=Deadline.choices, default="resolution")
    trigger = models.CharField(max_length=8, choices=Trigger.choices)
    value = models.PositiveIntegerField(default=0, help_text=_("Percent or working minutes"))
    notify_assignee = models.BooleanField(default=False)
    notify_team_lead = models.BooleanField(default=False)
    notify_manager = models.BooleanField(default=False)
    notify_observers = models.BooleanField(default=False, help_text="the ticket's watchers")
    raise_priority = models.BooleanField(default=False)
    reassign_team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    any_time = models.BooleanField(
        _("notify at any time"),
        default=False,
        help_text=_("Otherwise only inside the recipient's working hours"),
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["policy", "id"]

    def __str__(self) -> str:
        return self.name


class SiteCalendar(models.Model):
    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="sla_calendar")
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("site calendar")
        verbose_name_plural = _("site calendars")

    def __str__(self) -> str:
        return f"{self.site}: {self.calendar}"


class ContractSla(models.Model):
    contract = models.OneToOneField(Contract, on_delete=models.CASCADE, related_name="sla")
    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("contract SLA")
        verbose_name_plural = _("contract SLAs")

    def __str__(self) -> str:
        return f"{self.contract}: {self.policy or '-'} / {self.calendar or '-'}"


class UserCalendar(models.Model):
    """A person's working hours, for when escalation notifications may reach them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sla_calendar"
    )
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("user calendar")
        verbose_name_plural = _("user calendars")

    def __str__(self) -> str:
        return f"{self.user}: {self.calendar}"


class TicketSla(models.Model):
    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="sla"
    )
    policy = models.ForeignKey(SlaPolicy, on_delete=models.SET_NULL, null=True, related_name="+")
    calendar = models.ForeignKey(Calendar, on_delete=models.SET_NULL, null=True, related_name="+")
    rule = models.ForeignKey(SlaRule, on_delete=models.SET_NULL, null=True, related_name="+")
    policy_reason = models.CharField(max_length=100, blank=True)
    calendar_source = models.CharField(max_length=10, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    reaction_override = models.DateTimeField(null=True, blank=True)
    resolution_override = models.DateTimeField(null=True, blank=True)
    override_paused_minutes = models.PositiveIntegerField(default=0)
    active_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Working minutes from creation to resolution, unpaused")
    )
    breach_risk = models.FloatField(null=True, blank=True)
    risk_computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["calendar", "ticket"], name="ticketsla_calendar_idx")]

    def __str__(self) -> str:
        return f"SLA of ticket {self.ticket_id}"


class TicketStatusPeriod(models.Model):
    """A stretch of time a ticket spent in one status, in calendar and working minutes."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="status_periods")
    status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="+")
    phase = models.CharField(max_length=16)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    calendar_minutes = models.PositiveIntegerField(default=0)
    working_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["ticket", "started_at"], name="status_period_ticket_idx")]

    def __str__(self) -> str:
        return f"ticket {self.ticket_id} in {self.status_id} from {self.started_at}"


class EscalationFiring(models.Model):
    """Proof that an escalation fired once: the unique (ticket, key) row is the claim."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64, help_text=_('"step:<id>", "step:<id>:user:<id>", "risk"'))
    step = models.ForeignKey(EscalationStep, on_delete=models.SET_NULL, null=True, blank=True)
    fired_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "key"], name="sla_firing_once")]

    def __str__(self) -> str:
        return f"{self.key} on ticket {self.ticket_id}"
