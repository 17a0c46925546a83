"""Telephony intake (writes): store the raw call event, then fold it into its call once.

`phone_ingest` commits the raw delivery first (keyed by the SHA-256 of the body per source),
then processes it in one transaction with the ticket writes. A delivery that fails is
quarantined with the reason and can be processed again (`call_event_retry`, the admin action).
The call row is keyed by the PBX's call id and folded order-free (phoneformats.call_fold), so a
late or repeated event changes nothing it should not. The side effects of an ended call happen
once each, marked on the call: the callback ticket for a missed call from a known client, the
note with the duration (and, when it comes, the recording) on the ticket the call is logged on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.accounts.system import system_user
from deskline.channels import phone_selectors as selectors
from deskline.channels.phone_models import Call, CallEvent, PhoneSource
from deskline.channels.phoneformats import (
    CallFormatError,
    CallNotice,
    CallState,
    call_fold,
    parse_call_events,
)
from deskline.channels.services import secret_new
from deskline.clients.caller import caller_by_number
from deskline.clients.models import Contact
from deskline.clients.phones import phone_normalize
from deskline.core.errors import DomainError, NotFound
from deskline.tickets.models import Channel
from deskline.tickets.services import comment_add, ticket_create
from deskline.tickets.writing import lock_ticket

logger = logging.getLogger(__name__)
EventStatus = CallEvent.Status


@dataclass
class CallOutcome:
    event_id: int
    status: str
    reason: str = ""
    duplicate: bool = False
    calls: list[str] = field(default_factory=list)


def phone_ingest(*, source: PhoneSource, body: bytes) -> CallOutcome:
    """Store, then process once; a redelivered body is counted and changes nothing."""
    key = hashlib.sha256(body).hexdigest()
    event, created = CallEvent.objects.get_or_create(
        source=source, key=key, defaults={"raw": body, "received_at": timezone.now()}
    )
    if created or event.status == EventStatus.RECEIVED:
        return call_event_process(event_id=event.pk)
    CallEvent.objects.filter(pk=event.pk).update(deliveries=F("deliveries") + 1)
    return CallOutcome(event.pk, event.status, event.reason, True, list(event.call_ids))


def call_event_process(*, event_id: int, retry: bool = False) -> CallOutcome:
    """Process a stored delivery; a failure quarantines it with the reason."""
    try:
        with transaction.atomic():
            event = CallEvent.objects.select_for_update().select_related("source").get(pk=event_id)
            allowed = [EventStatus.RECEIVED] + ([EventStatus.QUARANTINED] if retry else [])
            if event.status not in allowed:
                return CallOutcome(event.pk, event.status, event.reason, True, list(event.call_ids))
            notices = parse_call_events(
                event.source.kind, bytes(event.raw), received_at=event.received_at
            )
            for notice in notices:
                _apply(event.source, notice)
            event.call_ids = list(dict.fromkeys(n.call_id for n in notices))
            event.status, event.reason = EventStatus.PROCESSED, ""
            event.attempts += 1
            event.processed_at = timezone.now()
            event.save()
            return CallOutcome(event.pk, event.status, calls=list(event.call_ids))
    except Exception as exc:
        logger.warning("call event %s quarantined", event_id, exc_info=True)
        if isinstance(exc, DomainError):
            why = exc.message
        elif isinstance(exc, CallFormatError):
            why = f"cannot read the event: {exc}"
        else:
            why = f"{type(exc).__name__}: {exc}"
        CallEvent.objects.filter(pk=event_id).update(
            status=EventStatus.QUARANTINED,
            reason=why[:500],
            attempts=F("attempts") + 1,
            processed_at=timezone.now(),
        )
        return CallOutcome(event_id, EventStatus.QUARANTINED, why[:500])


def call_event_retry(*, event_id: int) -> CallOutcome:
    """Process a quarantined delivery again (the admin action)."""
    return call_event_process(event_id=event_id, retry=True)


def call_events_process_pending(*, older_than_seconds: int = 300) -> int:
    """Process deliveries a dead worker left in `received`; how many."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    ids = list(selectors.events_pending(older_than=cutoff).values_list("pk", flat=True))
    for event_id in ids:
        call_event_process(event_id=event_id)
    return len(ids)


def _locked_call(source: PhoneSource, call_id: str) -> Call:
    """The call row, locked for this transaction; created on its first event."""
    rows = Call.objects.select_for_update(of=("self",)).filter(source=source, call_id=call_id)
    call = rows.first()
    if call is not None:
        return call
    try:
        with transaction.atomic():
            return Call.objects.create(source=source, call_id=call_id, updated_at=timezone.now())
    except IntegrityError:  # another delivery of the same call created it meanwhile
        return rows.get()


def _state(call: Call) -> CallState:
    return CallState(
        direction=call.direction, from_number=call.from_number, to_number=call.to_number,
        extension=call.extension, recording_url=call.recording_url, started_at=call.started_at,
        answered_at=call.answered_at, ended_at=call.ended_at, rang=tuple(call.rang),
    )  # fmt: skip


def _apply(source: PhoneSource, notice: CallNotice) -> Call:
    call = _locked_call(source, notice.call_id)
    known = call.started_at or call.answered_at or call.ended_at  # every event sets one
    state = call_fold(_state(call) if known else None, notice)
    client_side = state.from_number if state.direction == "inbound" else state.to_number
    number = phone_normalize(client_side, region=selectors.phone_region())
    if number != call.client_number or (number and call.contact_id is None):
        contact = caller_by_number(number) if number else None
        call.client_number = number
        call.contact = contact
        call.company_id = contact.company_id if contact else None
    if state.extension != call.extension or call.agent_id is None:
        call.agent = selectors.agent_for_extension(state.extension)
    for name in ("direction", "from_number", "to_number", "extension", "recording_url",
                 "started_at", "answered_at", "ended_at"):  # fmt: skip
        setattr(call, name, getattr(state, name))
    call.rang = list(state.rang)
    call.status = state.status
    call.updated_at = timezone.now()
    call.save()
    if call.status == Call.Status.MISSED and call.direction == "inbound":
        _callback(source, call)
    if call.ended_at is not None and call.ticket_id is not None:
        _log_on_ticket(call)
    return call


def _note(number: int, text: str) -> None:
    comment_add(
        actor=system_user("phone"), number=number, body=text, is_public=False, channel=Channel.PHONE
    )


def _callback(source: PhoneSource, call: Call) -> None:
    """A missed call from a known client: a callback ticket, or a note on the open one."""
    if not source.callback_on_missed or call.contact is None or call.callback_ticket_id:
        return
    contact = call.contact
    # One missed call at a time per contact decides "new ticket or note on the open one".
    Contact.objects.select_for_update().filter(pk=contact.pk).first()
    when = timezone.localtime(call.ended_at or timezone.now()).strftime("%Y-%m-%d %H:%M")
    words = {"name": contact.name, "number": call.from_number, "when": when}
    open_number = selectors.open_callback_ticket(contact_id=contact.pk)
    if open_number is not None:
        _note(open_number, _("Missed call again from %(name)s (%(number)s) at %(when)s.") % words)
        call.callback_ticket = lock_ticket(None, open_number, None)
    else:
        call.callback_ticket = ticket_create(
            actor=None,
            channel=Channel.PHONE,
            title=_("Call back: missed call from %(name)s") % words,
            description=_("Missed call from %(name)s (%(number)s) at %(when)s.") % words,
            company_id=contact.company_id,
            contact_id=contact.pk,
        )
    call.save(update_fields=["callback_ticket"])


def duration_text(seconds: int) -> str:
    minutes, rest = divmod(max(0, seconds), 60)
    return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": rest}


def _log_on_ticket(call: Call) -> None:
    """The call's duration (once) and recording (once it is known) as notes on its ticket."""
    assert call.ticket is not None
    number = call.ticket.number
    if call.logged_at is None:
        state = _state(call)
        words = {"number": call.from_number if call.direction == "inbound" else call.to_number,
                 "duration": duration_text(state.talk_seconds)}  # fmt: skip
        text = (
            _("Inbound call from %(number)s: %(duration)s.") % words
            if call.direction == "inbound"
            else _("Outbound call to %(number)s: %(duration)s.") % words
        )
        if call.status == Call.Status.MISSED:
            text = (
                _("Missed call from %(number)s.") % words
                if call.direction == "inbound"
                else _("Unanswered call to %(number)s.") % words
            )
        if call.recording_url:
            text += "\n" + _("Recording: %(url)s") % {"url": call.recording_url}
        _note(number, text)
        call.logged_at, call.logged_recording = timezone.now(), call.recording_url
    elif call.recording_url and call.recording_url != call.logged_recording:
        _note(number, _("Call recording: %(url)s") % {"url": call.recording_url})
        call.logged_recording = call.recording_url
    else:
        return
    call.save(update_fields=["logged_at", "logged_recording"])


@transaction.atomic
def call_log_ticket(*, actor: User, call_pk: int, number: int) -> Call:
    """Log the call on ticket `number` (the card's "new ticket", the intake's "add to it");
    an ended call's duration and recording go there at once, a live one's when it ends."""
    ticket = lock_ticket(actor, number, None)  # also proves the actor sees the ticket
    call = Call.objects.select_for_update().filter(pk=call_pk).first()
    if call is None:
        raise NotFound(f"call {call_pk} not found")
    if call.ticket_id not in (None, ticket.pk):
        return call  # already logged elsewhere: the first ticket keeps it
    call.ticket = ticket
    call.save(update_fields=["ticket"])
    if call.ended_at is not None:
        _log_on_ticket(call)
    return call


def phone_source_token_create(*, source_id: int) -> str:
    """A new secret for the source's endpoint (shown once; only its digest is kept)."""
    token, digest = secret_new("tel")
    PhoneSource.objects.filter(pk=source_id).update(token_digest=digest)
    return token
