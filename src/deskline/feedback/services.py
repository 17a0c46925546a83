"""Writes of the feedback app: invite after resolution (by the survey rules), record a score
from a signed link, add a comment, and act on a poor score: the call-back queue, the team lead
and the company's manager told, and the ticket reopened or followed up as the rule says."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone

from deskline.accounts.models import User
from deskline.accounts.system import system_user
from deskline.core.errors import NotFound, ValidationFailed
from deskline.feedback.models import CallBack, SurveyInvite, SurveyRule
from deskline.feedback.selectors import callbacks_for
from deskline.feedback.survey_rules import RuleFacts, answers, pick_rule
from deskline.tickets.models import Ticket, TicketEvent
from deskline.tickets.services import ticket_create, ticket_rate, ticket_reopen

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


def survey_invite_create(*, ticket: Ticket, rule: SurveyRule | None = None) -> SurveyInvite:
    """Invite the ticket's contact to rate the solution (once per resolution)."""
    return SurveyInvite.objects.create(
        ticket=ticket, contact_id=ticket.contact_id, rule=rule,
        template=rule.template if rule is not None else None,
    )  # fmt: skip


def _rule_for(ticket: Ticket) -> tuple[bool, SurveyRule | None]:
    """(surveyed?, the rule): with no active rule at all, every ticket is, under none."""
    rules = list(
        SurveyRule.objects.filter(is_active=True)
        .select_related("template")
        .prefetch_related("ticket_types", "company_categories")
    )
    if not rules:
        return True, None
    facts = [
        RuleFacts(
            pk=r.pk,
            type_ids=frozenset(t.pk for t in r.ticket_types.all()),
            category_ids=frozenset(c.pk for c in r.company_categories.all()),
            sample_percent=r.sample_percent,
        )
        for r in rules
    ]
    category = ticket.company.category_id if ticket.company_id and ticket.company else None
    picked = pick_rule(facts, ticket_id=ticket.pk, type_id=ticket.type_id, category_id=category)
    if picked is None:
        return False, None
    return True, next(r for r in rules if r.pk == picked.pk)


def survey_invite_pending(*, ticket: Ticket) -> SurveyInvite | None:
    """The ticket's open invite, made now if a resolved ticket with a contact has none and the
    survey rules take it."""
    if ticket.phase != "resolved" or not ticket.contact_id:
        return None
    pending = SurveyInvite.objects.filter(ticket=ticket, answered_at=None).order_by("-pk").first()
    if pending is not None:
        return pending
    surveyed, rule = _rule_for(ticket)
    return survey_invite_create(ticket=ticket, rule=rule) if surveyed else None


def survey_links(*, invite: SurveyInvite, base_url: str) -> list[tuple[int, str]]:
    """The one-click answers of the e-mail: (score, signed link) for each answer of the scale."""
    token = survey_token(invite=invite)
    scale = invite.template.scale if invite.template else "five"
    return [(score, f"{base_url}/feedback/s/{token}/{score}/") for score in answers(scale)]


def survey_question(*, invite: SurveyInvite, language: str) -> str:
    template = invite.template
    if template is None:
        return str(
            "Насколько вы довольны решением?" if language == "ru"
            else "How satisfied are you with the solution?"
        )  # fmt: skip
    return (template.question_ru if language == "ru" else "") or template.question


def survey_mail_context(ticket: Ticket, language: str) -> dict[str, Any]:
    """What the resolution mail asks (registered with notifications): the survey question and
    its one-click answers, or nothing when the survey rules leave the ticket out."""
    from deskline.notifications.context import base_url

    invite = survey_invite_pending(ticket=ticket)
    if invite is None:
        return {"survey_urls": [], "survey_question": ""}
    return {
        "survey_urls": survey_links(invite=invite, base_url=base_url()),
        "survey_question": survey_question(invite=invite, language=language),
    }


def survey_on_event(event: TicketEvent) -> None:
    """The `feedback.survey` reaction: a ticket entering the resolved phase gets an invite (the
    resolution mail may have made it already)."""
    survey_invite_pending(ticket=event.ticket)


@transaction.atomic
def survey_answer(*, token: str, score: int) -> SurveyInvite:
    """Record the score clicked in the e-mail; the ticket's rating follows; a poor score is
    queued to call back and acted on as its rule says. Clicking again changes the score."""
    if not 1 <= score <= 5:
        raise ValidationFailed("the score is 1 to 5", fields={"score": "between 1 and 5"})
    invite = survey_invite_for(token=token)
    invite = SurveyInvite.objects.select_for_update().get(pk=invite.pk)
    first_answer = invite.answered_at is None
    invite.score, invite.answered_at = score, timezone.now()
    invite.save(update_fields=["score", "answered_at"])
    user = invite.contact.user if invite.contact else None
    if user is not None and invite.ticket.phase in ("resolved", "closed"):
        ticket_rate(actor=user, number=invite.ticket.number, rating=score)
    rule = invite.rule
    if score <= (rule.poor_threshold if rule else POOR_SCORE):
        CallBack.objects.update_or_create(
            invite=invite, defaults={"ticket_id": invite.ticket_id, "score": score}
        )
        if first_answer:  # a second click changes the score, it does not act twice
            _act_on_poor_score(invite, rule)
    else:
        CallBack.objects.filter(invite=invite, done_at=None).delete()
    return invite


def _act_on_poor_score(invite: SurveyInvite, rule: SurveyRule | None) -> None:
    from deskline.feedback.notify import poor_score_notify

    ticket = invite.ticket
    if rule is None or rule.notify_lead_and_manager:
        poor_score_notify(invite=invite)
    if rule is None or rule.poor_action == SurveyRule.PoorAction.NONE:
        return
    actor = system_user("survey")
    note = f"Poor score {invite.score}/5 from the client's survey."
    if rule.poor_action == SurveyRule.PoorAction.REOPEN:
        ticket_reopen(actor=actor, number=ticket.number, comment=note)
    else:
        ticket_create(
            actor=actor,
            title=f"Follow up the poor score on #{ticket.number}",
            description=f"{note} {invite.comment}".strip(),
            channel="desk",
            company_id=ticket.company_id,
            contact_id=ticket.contact_id,
            team_id=ticket.team_id,
            assignee_id=ticket.team.lead_id if ticket.team and ticket.team.lead_id else None,
            parent_number=ticket.number,
        )


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
