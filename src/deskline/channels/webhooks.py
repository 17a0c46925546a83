"""Outgoing webhooks: payloads, HMAC signatures, delivery with retries and auto-disabling.

A delivery row is created per (subscription, event) and sent by a background job. The job
claims an attempt with a compare-and-set on the attempt counter, posts outside any transaction,
then records the outcome: success resets the subscription's failure streak; a failure schedules
a retry with exponential backoff (through the task backend's run_after) until `max_attempts`,
and a streak of `disable_after` failed attempts disables the subscription (logged, and flagged
with the reason in the admin). Calls go through the SSRF guard (`core.egress`): the URL's host
must be in DESKLINE_OUTBOUND_ALLOWED_HOSTS, and the connection is pinned to the address checked.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from deskline.channels.webhook_models import WebhookDelivery, WebhookSubscription
from deskline.core import egress
from deskline.core.egress import SIGNATURE_HEADER, sign
from deskline.tickets.fields import WEBHOOK
from deskline.tickets.models import Ticket, TicketEvent

logger = logging.getLogger(__name__)
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 6 * 3600
TIMEOUT_SECONDS = 10


def backoff(attempt: int, base: int = BACKOFF_BASE_SECONDS) -> dt.timedelta:
    """Delay before retry number `attempt` (1-based): base, 2*base, 4*base, ... capped."""
    return dt.timedelta(seconds=min(BACKOFF_CAP_SECONDS, base * 2 ** max(0, attempt - 1)))


def payload(ticket: Ticket, event: TicketEvent | None) -> dict[str, Any]:
    actor = event.actor if event is not None else None
    return {
        "event": None
        if event is None
        else {"id": event.pk, "kind": event.kind, "created_at": event.created_at.isoformat(),
              "data": event.data},
        "changes": event.changes if event is not None else {},
        "actor": None if actor is None else {"id": actor.pk, "username": actor.username},
        "ticket": {
            "number": ticket.number, "status": ticket.status.code, "phase": ticket.phase,
            "priority": ticket.priority.code, "channel": ticket.channel,
            **{name: getattr(ticket, name) for name in WEBHOOK},
            "created_at": ticket.created_at.isoformat(),
            "updated_at": ticket.updated_at.isoformat(), "version": ticket.version,
        },
    }  # fmt: skip


def delivery_create(
    subscription: WebhookSubscription, body: dict[str, Any], event: TicketEvent | None = None
) -> WebhookDelivery:
    """Log the delivery and queue its first attempt when the caller's transaction commits."""
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event=event, payload=body, next_attempt_at=timezone.now()
    )
    webhook_deliver.enqueue(delivery_id=delivery.pk)
    return delivery


def webhook_queue(*, subscription_id: int, ticket: Ticket, event: TicketEvent | None) -> bool:
    """Queue one delivery to an active subscription (automation's "send webhook" action)."""
    subscription = WebhookSubscription.objects.filter(pk=subscription_id, is_active=True).first()
    if subscription is None:
        return False
    delivery_create(subscription, payload(ticket, event))
    return True


def webhooks_on_event(event: TicketEvent) -> None:
    """The event handler: one delivery per active subscription to the event's kind."""
    subscriptions = [
        s
        for s in WebhookSubscription.objects.filter(is_active=True)
        if not s.event_kinds or event.kind in s.event_kinds
    ]
    if subscriptions:
        body = payload(event.ticket, event)
        for subscription in subscriptions:
            delivery_create(subscription, body, event)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """Through the SSRF guard (`core.egress.post`: the allow-list, the checked address pinned,
    no redirects, the sandbox): a refused URL is a failed attempt with the reason."""
    reply = egress.post(url, body, headers=headers, timeout=TIMEOUT_SECONDS)
    return reply.status, reply.error


def _record_failure(delivery: WebhookDelivery, status: int | None, error: str) -> str:
    now = timezone.now()
    with transaction.atomic():
        WebhookSubscription.objects.filter(pk=delivery.subscription_id).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        sub = WebhookSubscription.objects.select_for_update().get(pk=delivery.subscription_id)
        delivery.last_status, delivery.last_error = status, error or f"HTTP {status}"
        if sub.is_active and sub.consecutive_failures >= sub.disable_after:
            sub.is_active, sub.disabled_at = False, now
            sub.disabled_reason = (
                f"disabled after {sub.consecutive_failures} failed attempts in a row; "
                f"last: {delivery.last_error}"
            )[:500]
            sub.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
            logger.error("webhook subscription %s (%s) %s", sub.pk, sub.url, sub.disabled_reason)
            WebhookDelivery.objects.filter(subscription=sub, state="pending").exclude(
                pk=delivery.pk
            ).update(state=WebhookDelivery.State.CANCELLED)
        if sub.is_active and delivery.attempts < sub.max_attempts:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
            delivery.save(update_fields=["last_status", "last_error", "next_attempt_at"])
            webhook_deliver.using(run_after=delivery.next_attempt_at).enqueue(
                delivery_id=delivery.pk
            )
            return "retry"
        delivery.state, delivery.next_attempt_at = WebhookDelivery.State.FAILED, None
        delivery.save(update_fields=["state", "last_status", "last_error", "next_attempt_at"])
        return "failed"


def delivery_attempt(delivery_id: int) -> str:
    """Make one attempt; returns delivered, retry, failed, cancelled or skipped."""
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.state != WebhookDelivery.State.PENDING:
        return "skipped"
    sub = delivery.subscription
    if not sub.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(state=WebhookDelivery.State.CANCELLED)
        return "cancelled"
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, state=WebhookDelivery.State.PENDING, attempts=delivery.attempts
    ).update(attempts=delivery.attempts + 1)
    if not claimed:  # another worker is on this attempt
        return "skipped"
    delivery.attempts += 1
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Deskline-Webhooks/1",
        SIGNATURE_HEADER: sign(sub.secret, body),
        "X-Deskline-Delivery": str(delivery.pk),
        "X-Deskline-Attempt": str(delivery.attempts),
    }
    status, error = _post(sub.url, body, headers)
    if status is not None and 200 <= status < 300:
        with transaction.atomic():
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                state=WebhookDelivery.State.DELIVERED, last_status=status, last_error="",
                delivered_at=timezone.now(), next_attempt_at=None,
            )  # fmt: skip
            WebhookSubscription.objects.filter(pk=sub.pk).update(consecutive_failures=0)
        return "delivered"
    return _record_failure(delivery, status, error)


@task()
def webhook_deliver(*, delivery_id: int) -> str:
    """The background job: one delivery attempt (safe to run twice: attempts are claimed)."""
    return delivery_attempt(delivery_id)
