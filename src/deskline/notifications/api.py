"""REST endpoints of notifications: template preview, my preferences, the outbox (admins)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.permissions import require_admin
from deskline.core.schema import InSchema
from deskline.notifications.context import sample_context, ticket_context
from deskline.notifications.models import (
    Event,
    NotificationPreference,
    NotificationTemplate,
    Outbox,
)
from deskline.notifications.rendering import render_message
from deskline.notifications.senders import channels_available
from deskline.tickets.access import ticket_get_visible

router = Router(tags=["notifications"])


class TemplatePreviewIn(InSchema):
    subject: str | None = None
    body: str | None = None
    ticket_number: int | None = None


class TemplatePreviewOut(Schema):
    subject: str
    body: str


@router.post("/templates/{template_id}/preview", response=TemplatePreviewOut)
def template_preview(
    request: HttpRequest, template_id: int, payload: TemplatePreviewIn
) -> dict[str, str]:
    """Render a template (or unsaved subject/body) with a ticket's values or sample values."""
    require_admin(request.user)  # type: ignore[arg-type]
    template = NotificationTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise NotFound(f"template {template_id} not found")
    context = sample_context()
    if payload.ticket_number is not None:
        ticket = ticket_get_visible(request.user, payload.ticket_number)  # type: ignore[arg-type]
        context = sample_context() | ticket_context(ticket)
    try:
        subject, body = render_message(
            payload.subject or template.subject, payload.body or template.body, context
        )
    except Exception as exc:
        raise ValidationFailed("the template does not render", fields={"body": str(exc)}) from exc
    return {"subject": subject, "body": body}


class PreferenceIn(InSchema):
    event: str
    channel: str = "email"
    enabled: bool = True


class PreferenceOut(Schema):
    event: str
    channel: str
    enabled: bool


@router.get("/preferences", response=list[PreferenceOut])
def preferences_list(request: HttpRequest) -> list[dict[str, object]]:
    rows = {p.event: p for p in NotificationPreference.objects.filter(user=request.user)}  # type: ignore[misc]
    return [
        {"event": e.value, "channel": rows[e].channel if e in rows else "email",
         "enabled": rows[e].enabled if e in rows else True}
        for e in Event
    ]  # fmt: skip


@router.put("/preferences", response=PreferenceOut)
def preference_set(request: HttpRequest, payload: PreferenceIn) -> dict[str, object]:
    if payload.event not in Event.values:
        raise ValidationFailed("unknown event", fields={"event": f"one of {Event.values}"})
    if payload.channel not in ("email", "telegram", "sms"):
        raise ValidationFailed("unknown channel", fields={"channel": "email, telegram or sms"})
    available = channels_available()
    if payload.channel not in available:
        raise ValidationFailed(
            f"{payload.channel} is not connected in this installation",
            fields={"channel": f"not connected here; one of {', '.join(available)}"},
        )
    NotificationPreference.objects.update_or_create(
        user=request.user,
        event=payload.event,
        defaults={"channel": payload.channel, "enabled": payload.enabled},
    )
    return payload.dict()


class OutboxOut(Schema):
    id: int
    event: str
    channel: str
    recipient: str
    subject: str
    status: str
    attempts: int
    last_error: str
    ticket_number: int | None
    created_at: dt.datetime
    sent_at: dt.datetime | None


@router.get("/outbox", response=list[OutboxOut])
def outbox_list(
    request: HttpRequest, status: str = "", limit: int = 100
) -> list[dict[str, object]]:
    """Delivery status of recent notifications (admins only: rows name clients' addresses and
    the titles of tickets of every team)."""
    require_admin(request.user)  # type: ignore[arg-type]
    rows = Outbox.objects.select_related("ticket").order_by("-created_at", "-id")
    if status:
        rows = rows.filter(status=status)
    return [
        {
            "id": r.pk, "event": r.event, "channel": r.channel, "recipient": r.recipient,
            "subject": r.subject, "status": r.status, "attempts": r.attempts,
            "last_error": r.last_error, "ticket_number": r.ticket.number if r.ticket else None,
            "created_at": r.created_at, "sent_at": r.sent_at,
        }
        for r in rows[: max(1, min(limit, 500))]
    ]  # fmt: skip
