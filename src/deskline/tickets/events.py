"""Recording ticket events and dispatching them to the reactions other apps register.

`event_record` writes the append-only row (its typed payload, see `payloads.py`) and enqueues
its dispatch job in the caller's transaction, so the job exists exactly when the change does.
It then tells the in-transaction observers (`observers.py`), which receive the finished values.

Reactions (notifications, automation, webhooks, reports, ...) register with `on_ticket_event`.
The dispatch job claims the event with a compare-and-set, then runs each reaction in its own
savepoint: a reaction that raises is rolled back alone (on PostgreSQL an IntegrityError no
longer poisons the others) and recorded as an `EventReactionFailure`, which the sweeper retries
with exponential backoff until it succeeds or gives up (visible to admins in the admin). The
sweeper also re-dispatches events left undispatched past a grace period: a worker killed
between the commit and the dispatch loses no reaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from deskline.accounts.models import User
from deskline.core.inserts import insert
from deskline.core.jobs import enqueue
from deskline.tickets.models import EventReactionFailure, Ticket, TicketEvent
from deskline.tickets.observers import notify_observers
from deskline.tickets.payloads import Payload

logger = logging.getLogger(__name__)

EventHandler = Callable[[TicketEvent], None]


@dataclass(frozen=True)
class Reaction:
    name: str
    handler: EventHandler
    kinds: frozenset[str] | None

    def wants(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds


_reactions: dict[str, Reaction] = {}

#: An event still undispatched this long after it was written is dispatched by the sweeper.
DISPATCH_GRACE = timedelta(seconds=60)
#: A failed reaction is retried after 1, 2, 4, ... minutes, at most an hour apart, then given up.
MAX_ATTEMPTS = 10
MAX_BACKOFF = timedelta(hours=1)


def on_ticket_event(
    name: str, *, kinds: Iterable[str] | None = None
) -> Callable[[EventHandler], EventHandler]:
    """Register a reaction (by a unique name) to dispatched events, optionally of some kinds."""

    def register(handler: EventHandler) -> EventHandler:
        _reactions[name] = Reaction(name, handler, frozenset(kinds) if kinds else None)
        return handler

    return register


def remove_handler(name: str) -> None:
    _reactions.pop(name, None)


def reaction_names() -> list[str]:
    return sorted(_reactions)


def event_record(
    *,
    ticket: Ticket,
    actor: User | None,
    payload: Payload,
    channel: str = "",
    at: datetime | None = None,
) -> TicketEvent:
    """Append the event to the ticket's history and queue its dispatch (caller's transaction)."""
    from deskline.tickets.tasks import ticket_event_dispatch

    changes, data = payload.to_row()
    event = TicketEvent(
        ticket=ticket,
        kind=payload.KIND,
        actor=actor,
        channel=channel,
        changes=changes,
        data=data,
        created_at=at or timezone.now(),
    )
    event.__dict__["payload"] = payload  # the typed value, so nobody parses it back
    insert(event)
    enqueue(ticket_event_dispatch, event_id=event.pk)
    notify_observers(event)
    return event


def _load(event_id: int) -> TicketEvent:
    return TicketEvent.objects.select_related("ticket", "actor").get(pk=event_id)


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _run(event: TicketEvent, reaction: Reaction, now: datetime) -> bool:
    """Run one reaction in a savepoint; on failure record it for a retry. True if it ran."""
    try:
        with transaction.atomic():
            reaction.handler(event)
    except Exception as exc:
        logger.exception("reaction %s failed for event %s", reaction.name, event.pk)
        _record_failure(event.pk, reaction.name, f"{type(exc).__name__}: {exc}", now)
        return False
    return True


def _record_failure(event_id: int, name: str, error: str, now: datetime) -> None:
    failure = (
        EventReactionFailure.objects.select_for_update()
        .filter(event_id=event_id, reaction=name)
        .first()
    )
    if failure is None:
        failure = EventReactionFailure(event_id=event_id, reaction=name, created_at=now)
    failure.attempts += 1
    failure.last_error = error[:4000]
    failure.next_attempt_at = now + _backoff(failure.attempts)
    if failure.attempts >= MAX_ATTEMPTS:
        failure.given_up_at = now
    failure.save()


def event_dispatch(event_id: int) -> bool:
    """Run every interested reaction once; False if the event was already dispatched.

    Call inside a transaction: the claim and every reaction's writes commit together, so a
    crash before the commit leaves the event undispatched for the sweeper.
    """
    now = timezone.now()
    claimed = TicketEvent.objects.filter(pk=event_id, dispatched_at__isnull=True).update(
        dispatched_at=now
    )
    if not claimed:
        return False
    event = _load(event_id)
    for name in sorted(_reactions):
        reaction = _reactions[name]
        if reaction.wants(event.kind):
            _run(event, reaction, now)
    return True


def failure_retry(failure_id: int, *, force: bool = False, now: datetime | None = None) -> bool:
    """Run a failed reaction again (a due one, or any with `force`); True if it succeeded."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = EventReactionFailure.objects.select_for_update(skip_locked=True).filter(
            pk=failure_id, resolved_at__isnull=True
        )
        if not force:
            rows = rows.filter(given_up_at__isnull=True, next_attempt_at__lte=now)
        failure = rows.first()
        if failure is None:
            return False
        reaction = _reactions.get(failure.reaction)
        if reaction is None:  # the reaction was removed from the code: nothing left to run
            failure.resolved_at = now
            failure.save(update_fields=["resolved_at"])
            return False
        if force:
            failure.given_up_at = None
        if _run(_load(failure.event_id), reaction, now):
            failure.resolved_at = now
            failure.save(update_fields=["resolved_at", "given_up_at"])
            return True
        return False


def events_sweep(now: datetime | None = None, *, batch: int = 500) -> dict[str, int]:
    """The periodic safety net: dispatch stale undispatched events, retry due failures."""
    now = now or timezone.now()
    stale = list(
        TicketEvent.objects.filter(dispatched_at__isnull=True, created_at__lt=now - DISPATCH_GRACE)
        .order_by("id")
        .values_list("id", flat=True)[:batch]
    )
    dispatched = 0
    for event_id in stale:
        with transaction.atomic():
            dispatched += event_dispatch(event_id)
    due = list(
        EventReactionFailure.objects.filter(
            resolved_at__isnull=True, given_up_at__isnull=True, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:batch]
    )
    retried = sum(failure_retry(failure_id, now=now) for failure_id in due)
    return {"dispatched": dispatched, "retried": retried, "failures_due": len(due)}
