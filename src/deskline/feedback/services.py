"""Writes of the feedback app: invite after resolution, record a score from a signed link,
add a comment, queue poor scores to call back."""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.utils import timezone

from deskline.accounts.models import User
from deskline.core.errors import NotFound, ValidationFailed
from deskline.feedback.models import CallBack, SurveyInvite
from deskline.feedback.selectors import callbacks_for
from deskline.tickets.models import Ticket, TicketEvent
from deskline.tickets.services import ticket_rate

SALT = "deskline.feedback.survey"
LINK_MAX_AGE = 60 * 60 * 24 * 30  # a survey link works for 30 days
POOR_SCORE = 2  # this score or lower goes to the "to call back" queue


def survey_token(*, invite: SurveyInvite) -> str:
    """The signed, URL-safe token of an invite (no login needed to answer)."""
    return signing.dumps(invite.pk, salt=SALT, compress=True)


def survey_invite_for(*, token: str) -> SurveyInvite:
    try:
        pk = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationFailed("the survey link has expired", fields={"token": "expired"}) from exc
    except signing.BadSignature as exc:
        raise NotFound("no such survey") from exc
    invite = SurveyInvite.objects.select_related("ticket", "contact__user").filter(pk=pk).first()
    if invite is None:
        raise NotFound("no such survey")
    return invite


def survey_invite_create(*, ticket: Ticket) -> SurveyInvite:
    """Invite the ticket's contact to rate the solution (once per resolution)."""
    return SurveyInvite.objects.create(ticket=ticket, contact_id=ticket.contact_id)


def survey_invite_pending(*, ticket: Ticket) -> SurveyInvite | None:
    """The ticket's open invite, made now if a resolved ticket with a contact has none."""
    if ticket.phase != "resolved" or not ticket.contact_id:
        return None
    pending = SurveyInvite.objects.filter(ticket=ticket, answered_at=None).order_by("-pk").first()
    return pending or survey_invite_create(ticket=ticket)


def survey_links(*, invite: SurveyInvite, base_url: str) -> list[tuple[int, str]]:
    """The one-click answers of the e-mail: (score, signed link) for 1 to 5."""
    token = survey_token(invite=invite)
    return [(score, f"{base_url}/feedback/s/{token}/{score}/") for score in range(1, 6)]


def survey_on_event(event: TicketEvent) -> None:
    """The `feedback.survey` reaction: a ticket entering the resolved phase gets an invite (the
    resolution mail may have made it already)."""
    survey_invite_pending(ticket=event.ticket)


@transaction.atomic
def survey_answer(*, token: str, score: int) -> SurveyInvite:
    """Record the score clicked in the e-mail; the ticket's rating follows; a poor score is
    queued to call back. Clicking again changes the score."""
    if not 1 <= score <= 5:
        raise ValidationFailed("the score is 1 to 5", fields={"score": "between 1 and 5"})
    invite = survey_invite_for(token=token)
    invite = SurveyInvite.objects.select_for_update().get(pk=invite.pk)
    invite.score, invite.answered_at = score, timezone.now()
    invite.save(update_fields=["score", "answered_at"])
    user = invite.contact.user if invite.contact else None
    if user is not None and invite.ticket.phase in ("resolved", "closed"):
        ticket_rate(actor=user, number=invite.ticket.number, rating=score)
    if score <= POOR_SCORE:
        CallBack.objects.update_or_create(
            invite=invite, defaults={"ticket_id": invite.ticket_id, "score": score}
        )
    else:
        CallBack.objects.filter(invite=invite, done_at=None).delete()
    return invite


def survey_comment(*, token: str, comment: str) -> SurveyInvite:
    invite = survey_invite_for(token=token)
    invite.comment = comment.strip()[:2000]
    invite.save(update_fields=["comment"])
    return invite


def callback_done(*, actor: User, callback_id: int) -> None:
    """Mark a poor score called back; only one of the call-backs `actor` answers for."""
    if not callbacks_for(actor).filter(pk=callback_id).exists():
        raise NotFound(f"call-back {callback_id} not found")
    CallBack.objects.filter(pk=callback_id, done_at=None).update(done_at=timezone.now())
