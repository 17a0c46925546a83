"""Survey invitations sent after resolution, their answers, and poor scores to call back."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.clients.models import CompanyCategory, Contact
from deskline.tickets.models import Ticket, TicketType


class SurveyTemplate(models.Model):
    """What the survey asks: the question, the scale and the follow-up, in English and Russian."""

    class Scale(models.TextChoices):
        FIVE = "five", _("1 to 5")
        THUMBS = "thumbs", _("Thumbs up or down")

    name = models.CharField(_("name"), max_length=200, unique=True)
    scale = models.CharField(_("scale"), max_length=8, choices=Scale.choices, default=Scale.FIVE)
    question = models.CharField(
        _("question"), max_length=300, default="How satisfied are you with the solution?"
    )
    question_ru = models.CharField(
        _("question (Russian)"), max_length=300, default="Насколько вы довольны решением?"
    )
    follow_up = models.CharField(
        _("follow-up question"), max_length=300,
        default="Anything you would like to add? (optional)",
    )  # fmt: skip
    follow_up_ru = models.CharField(
        _("follow-up question (Russian)"), max_length=300,
        default="Хотите что-нибудь добавить? (необязательно)",
    )  # fmt: skip

    class Meta:
        verbose_name = _("survey template")

    def __str__(self) -> str:
        return self.name


class SurveyRule(models.Model):
    """Which resolved tickets get a survey (by type and company category, sampled), with which
    template, and what a poor score sets off. The first active matching rule (by order) wins;
    with no rules at all every resolved ticket with a contact is surveyed."""

    class PoorAction(models.TextChoices):
        NONE = "none", _("Only the call-back list")
        REOPEN = "reopen", _("Reopen the ticket")
        FOLLOW_UP = "follow_up", _("Create a follow-up ticket")

    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    template = models.ForeignKey(
        SurveyTemplate, on_delete=models.PROTECT, null=True, blank=True,
        verbose_name=_("template"),
    )  # fmt: skip
    ticket_types = models.ManyToManyField(
        TicketType, blank=True, related_name="+", verbose_name=_("ticket types"),
        help_text=_("Empty: every type."),
    )  # fmt: skip
    company_categories = models.ManyToManyField(
        CompanyCategory, blank=True, related_name="+", verbose_name=_("company categories"),
        help_text=_("Empty: every company, and tickets without one."),
    )  # fmt: skip
    sample_percent = models.PositiveSmallIntegerField(
        _("sample, %"), default=100, help_text=_("Survey this share of the matching tickets.")
    )
    poor_threshold = models.PositiveSmallIntegerField(
        _("poor score at or below"), default=2,
        help_text=_("On the 1-5 scale; thumbs down counts as 1."),
    )  # fmt: skip
    poor_action = models.CharField(
        _("on a poor score"), max_length=16, choices=PoorAction.choices, default=PoorAction.NONE
    )
    notify_lead_and_manager = models.BooleanField(
        _("notify the team lead and the company's manager of a poor score"), default=True
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("survey rule")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sample_percent__gte=0, sample_percent__lte=100),
                name="survey_rule_sample_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SurveyInvite(models.Model):
    """One micro-survey for a resolved ticket; its signed id is the link in the e-mail."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="survey_invites")
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    template = models.ForeignKey(SurveyTemplate, on_delete=models.SET_NULL, null=True, blank=True)
    rule = models.ForeignKey(SurveyRule, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["ticket", "created_at"], name="survey_invite_ticket")]

    def __str__(self) -> str:
        return f"survey of ticket {self.ticket_id}"


class CallBack(models.Model):
    """A poor score: the team lead calls the client back, then marks it done."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="callbacks")
    invite = models.OneToOneField(SurveyInvite, on_delete=models.CASCADE, related_name="callback")
    score = models.PositiveSmallIntegerField(_("score"))
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["done_at", "created_at"], name="callback_open")]

    def __str__(self) -> str:
        return f"call back on ticket {self.ticket_id}"


class StressLevel(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class StressMark(models.Model):
    """An agent's own stress check-in during a shift (reported per team, never per person)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=8, choices=StressLevel.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="stress_mark_user")]

    def __str__(self) -> str:
        return f"{self.level} at {self.created_at}"


class StressAlert(models.Model):
    """Three "high" marks in one shift: shown to the agent's team lead only."""

    lead = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"stress alert for {self.agent_id}"


class NpsSettings(models.Model):
    """The periodic NPS survey of every company's contacts (one row: the first is used)."""

    is_active = models.BooleanField(_("active"), default=False)
    every_months = models.PositiveSmallIntegerField(_("ask each contact every (months)"), default=6)
    min_days_between = models.PositiveSmallIntegerField(
        _("never more often than (days) per contact"), default=90
    )
    per_run = models.PositiveIntegerField(
        _("at most this many invitations a day"), default=500,
        help_text=_("Spreads a first round over several days."),
    )  # fmt: skip
    question = models.CharField(
        _("question"), max_length=300,
        default="How likely are you to recommend us to a colleague?",
    )  # fmt: skip
    question_ru = models.CharField(
        _("question (Russian)"), max_length=300,
        default="Насколько вероятно, что вы порекомендуете нас коллеге?",
    )  # fmt: skip

    class Meta:
        verbose_name = _("NPS survey settings")
        verbose_name_plural = _("NPS survey settings")

    def __str__(self) -> str:
        return str(_("NPS survey"))


class NpsInvite(models.Model):
    """One NPS question to one contact: 0-10 by a signed link, then an optional comment."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="nps_invites")
    company_id = models.BigIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["contact", "sent_at"], name="nps_invite_contact")]

    def __str__(self) -> str:
        return f"NPS of contact {self.contact_id}"
