"""Reads for telephony: the source of a secret, agents by extension, the live calls of an agent
and the card the desk shows for one (caller, company, open tickets)."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from deskline.accounts.models import User
from deskline.channels.phone_models import Call, CallEvent, PhoneSource
from deskline.tickets.access import tickets_visible_to
from deskline.tickets.models import OPEN_PHASES, Ticket

#: A call still "ringing" or "talking" after this long lost its end event: no card for it.
LIVE_FOR = dt.timedelta(hours=2)
#: An ended call's card stays this long, so the agent can still open a ticket from it.
ENDED_CARD_FOR = dt.timedelta(minutes=2)
OPEN_TICKETS_ON_CARD = 5


def phone_region() -> str:
    return str(settings.DESKLINE_PHONE_REGION)


def source_for_token(*, name: str, digest: str) -> PhoneSource | None:
    """The active source `name` when `digest` is its secret's digest (constant-time compare)."""
    source = PhoneSource.objects.filter(name=name, is_active=True).first()
    if source is None or not source.token_digest or not digest:
        return None
    return source if hmac.compare_digest(source.token_digest, digest) else None


def events_pending(*, older_than: dt.datetime) -> QuerySet[CallEvent]:
    return CallEvent.objects.filter(
        status=CallEvent.Status.RECEIVED, received_at__lt=older_than
    ).order_by("pk")


def agent_for_extension(extension: str) -> User | None:
    """The active staff user with this extension (the first one if several share it)."""
    if not extension:
        return None
    return (
        User.objects.filter(phone_extension=extension, is_active=True, is_system=False)
        .order_by("pk")
        .first()
    )


def open_callback_ticket(*, contact_id: int) -> int | None:
    """The number of the contact's open callback ticket from an earlier missed call, if any."""
    return (
        Call.objects.filter(contact_id=contact_id, callback_ticket__phase__in=OPEN_PHASES)
        .order_by("-pk")
        .values_list("callback_ticket__number", flat=True)
        .first()
    )


@dataclass
class CallCard:
    call: Call
    open_tickets: list[Ticket] = field(default_factory=list)


def live_call_for(user: User) -> CallCard | None:
    """The call ringing, in talk or just ended at the user's extension, with its caller's open
    tickets (3 queries); None when the user has no extension or no such call."""
    extension = user.phone_extension
    if not extension:
        return None
    now = timezone.now()
    # A ringing call shows at every extension it rang (a ring group), matched in the JSON text.
    mine = Q(extension=extension) | Q(status=Call.Status.RINGING, rang__icontains=f'"{extension}"')
    live = Call.objects.filter(
        mine, status__in=[Call.Status.RINGING, Call.Status.TALKING], updated_at__gte=now - LIVE_FOR
    )
    ended = Call.objects.filter(
        status__in=[Call.Status.COMPLETED, Call.Status.MISSED],
        updated_at__gte=now - ENDED_CARD_FOR,
        extension=extension,
    )
    candidates = (
        (live | ended).select_related("contact", "company", "ticket").order_by("-updated_at", "-pk")
    )
    call = next((c for c in candidates[:5] if _rings_for(c, extension)), None)
    if call is None:
        return None
    tickets: list[Ticket] = []
    if call.contact_id is not None:
        rows = tickets_visible_to(user).filter(phase__in=OPEN_PHASES, contact_id=call.contact_id)
        rows = rows.select_related("status").order_by("-created_at")
        tickets = list(rows[:OPEN_TICKETS_ON_CARD])
    return CallCard(call=call, open_tickets=tickets)


def _rings_for(call: Call, extension: str) -> bool:
    if call.status == Call.Status.RINGING:
        return extension == call.extension or extension in (call.rang or [])
    return extension == call.extension


def missed_call_callbacks(user: User, limit: int = 100) -> list[dict[str, object]]:
    """Open callback tickets of missed calls that `user` sees, with how many calls each
    gathered and the last one (the "To call back" page), latest first."""
    visible = tickets_visible_to(user).filter(phase__in=OPEN_PHASES)
    rows = (
        Call.objects.filter(callback_ticket__in=visible)
        .values(
            "callback_ticket__number",
            "callback_ticket__title",
            "callback_ticket__company__name",
            "contact__name",
        )  # fmt: skip
        .annotate(calls=Count("pk"), last=Max("ended_at"))
        .order_by("-last")
    )
    return [
        {
            "number": r["callback_ticket__number"],
            "title": r["callback_ticket__title"],
            "company": r["callback_ticket__company__name"] or "",
            "contact": r["contact__name"] or "",
            "calls": r["calls"],
            "last": r["last"],
        }  # fmt: skip
        for r in rows[:limit]
    ]
