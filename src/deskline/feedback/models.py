"""Survey invitations sent after resolution, their answers, and poor scores to call back."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.clients.models import Contact
from deskline.tickets.models import Ticket


class SurveyInvite(models.Model):
    """One micro-survey for a resolved ticket; its signed id is the link in the e-mail."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="survey_invites")
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

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
