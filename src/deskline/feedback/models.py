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
