"""The periodic NPS survey: who is due an invitation, sending it (a 0-10 question with signed
one-click links in the contact's language), and recording the answer."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from deskline.clients.models import Contact
from deskline.core.errors import NotFound, ValidationFailed
from deskline.feedback.models import NpsInvite, NpsSettings
from deskline.notifications.context import base_url, ticket_context
from deskline.notifications.models import Event
from deskline.notifications.services import notification_queue

SALT = "deskline.feedback.nps"
LINK_MAX_AGE = 60 * 60 * 24 * 60  # an NPS link works for 60 days
MONTH = dt.timedelta(days=30.44)


def nps_settings() -> NpsSettings:
    return NpsSettings.objects.order_by("pk").first() or NpsSettings()


def nps_token(invite: NpsInvite) -> str:
    return signing.dumps(invite.pk, salt=SALT, compress=True)


def _invite_for(token: str) -> NpsInvite:
    try:
        pk = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationFailed("the survey link has expired", fields={"token": "expired"}) from exc
    except signing.BadSignature as exc:
        raise NotFound("no such survey") from exc
    invite = NpsInvite.objects.filter(pk=pk).first()
    if invite is None:
        raise NotFound("no such survey")
    return invite


def nps_due_contacts(*, now: dt.datetime, limit: int) -> list[Contact]:
    """Active contacts with an e-mail, of active companies, not asked within the period (nor
    within the minimum gap), oldest contacts first."""
    config = nps_settings()
    gap = max(config.every_months * MONTH, dt.timedelta(days=config.min_days_between))
    recent = NpsInvite.objects.filter(contact=OuterRef("pk"), sent_at__gte=now - gap)
    return list(
        Contact.objects.filter(is_active=True, company__is_active=True)
        .exclude(email="")
        .exclude(Exists(recent))
        .order_by("pk")[:limit]
    )


def nps_send_due(*, now: dt.datetime | None = None) -> int:
    """Invite the contacts due (at most the daily limit); returns how many were invited."""
    config = nps_settings()
    if not config.is_active:
        return 0
    now = now or timezone.now()
    sent = 0
    for contact in nps_due_contacts(now=now, limit=config.per_run):
        with transaction.atomic():
            invite = NpsInvite.objects.create(
                contact=contact, company_id=contact.company_id, sent_at=now
            )
            token = nps_token(invite)
            language = contact.language or "en"
            question = (config.question_ru if language == "ru" else "") or config.question
            links = [(n, f"{base_url()}/feedback/nps/{token}/{n}/") for n in range(11)]
            notification_queue(
                event=Event.NPS_SURVEY,
                recipient=contact.email,
                context=ticket_context(
                    None,
                    language=language,
                    contact_name=contact.name,
                    nps_question=question,
                    nps_urls=links,
                ),  # fmt: skip
                language=language,
                dedupe_key=f"nps{invite.pk}",
            )
        sent += 1
    return sent


@transaction.atomic
def nps_answer(*, token: str, score: int) -> NpsInvite:
    if not 0 <= score <= 10:
        raise ValidationFailed("the score is 0 to 10", fields={"score": "between 0 and 10"})
    invite = NpsInvite.objects.select_for_update().get(pk=_invite_for(token).pk)
    invite.score, invite.answered_at = score, timezone.now()
    invite.save(update_fields=["score", "answered_at"])
    return invite


def nps_comment(*, token: str, comment: str) -> NpsInvite:
    invite = _invite_for(token)
    invite.comment = comment.strip()[:2000]
    invite.save(update_fields=["comment"])
    return invite
