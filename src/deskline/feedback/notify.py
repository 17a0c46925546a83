"""Telling people about a poor survey score: the ticket's team lead and the company's manager,
each once per answer, in their own language, through the notifications outbox."""

from __future__ import annotations

from deskline.accounts.models import User
from deskline.feedback.models import SurveyInvite
from deskline.notifications.context import ticket_context
from deskline.notifications.models import Event
from deskline.notifications.services import notification_queue
from deskline.tickets.models import Ticket


def _recipients(ticket: Ticket) -> list[User]:
    people = []
    if ticket.team_id and ticket.team and ticket.team.lead:
        people.append(ticket.team.lead)
    if ticket.company_id and ticket.company and ticket.company.manager:
        people.append(ticket.company.manager)
    unique = {u.pk: u for u in people if u.is_active and u.email}
    return list(unique.values())


def poor_score_notify(*, invite: SurveyInvite) -> None:
    ticket = (
        Ticket.objects.select_related("team__lead", "company__manager", "contact", "status")
        .filter(pk=invite.ticket_id)
        .first()
    )
    if ticket is None:
        return
    for user in _recipients(ticket):
        language = user.language or "en"
        notification_queue(
            event=Event.POOR_SCORE,
            recipient=user.email,
            context=ticket_context(
                ticket, language=language, score=invite.score, comment=invite.comment
            ),  # fmt: skip
            language=language,
            ticket=ticket,
            dedupe_key=f"poor{invite.pk}:{user.pk}",
        )
