"""Event dispatch cannot drop work: a raising reaction is isolated and retried, and a worker
killed in the middle of a dispatch leaves the event for the sweeper, which runs every reaction
exactly once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from deskline.notifications.models import Outbox
from deskline.tickets.events import event_dispatch, events_sweep, on_ticket_event, remove_handler
from deskline.tickets.models import EventReactionFailure, TicketEvent
from deskline.tickets.services import ticket_create
from tests.factories import ContactFactory

LATER = dt.timedelta(minutes=5)


@pytest.fixture
def reactions():
    names: list[str] = []

    def add(name: str, handler) -> None:
        on_ticket_event(name)(handler)
        names.append(name)

    yield add
    for name in names:
        remove_handler(name)


@pytest.mark.django_db
def test_a_reaction_that_breaks_the_database_does_not_stop_the_others(make_ticket, reactions):
    ran: list[int] = []

    def duplicate(event: TicketEvent) -> None:
        Outbox.objects.create(event="x", recipient="a", dedupe_key="same", next_attempt_at=timezone.now(), created_at=timezone.now())  # fmt: skip
        Outbox.objects.create(event="x", recipient="a", dedupe_key="same", next_attempt_at=timezone.now(), created_at=timezone.now())  # fmt: skip

    reactions("aa.duplicate", duplicate)
    reactions("zz.after", lambda event: ran.append(Outbox.objects.count()))
    ticket = make_ticket()
    event = TicketEvent.objects.get(ticket=ticket)
    assert event_dispatch(event.pk) is True
    assert ran == [0]  # ran, in a transaction the failed reaction did not poison (PostgreSQL)
    failure = EventReactionFailure.objects.get(event=event)
    assert (failure.reaction, failure.attempts) == ("aa.duplicate", 1)
    assert "IntegrityError" in failure.last_error


@pytest.mark.django_db
def test_a_failed_reaction_is_retried_with_backoff_until_it_succeeds(make_ticket, reactions):
    attempts: list[int] = []

    def flaky(event: TicketEvent) -> None:
        attempts.append(event.pk)
        if len(attempts) < 3:
            raise IntegrityError("not yet")

    reactions("aa.flaky", flaky)
    ticket = make_ticket()
    event_dispatch(TicketEvent.objects.get(ticket=ticket).pk)
    failure = EventReactionFailure.objects.get()
    now = timezone.now()
    assert events_sweep(now)["retried"] == 0  # not due yet: the first retry waits a minute
    assert failure.next_attempt_at >= now + dt.timedelta(seconds=50)
    events_sweep(now + dt.timedelta(minutes=1, seconds=1))
    failure.refresh_from_db()
    assert failure.attempts == 2 and failure.next_attempt_at >= now + dt.timedelta(minutes=2)
    events_sweep(now + dt.timedelta(minutes=10))
    failure.refresh_from_db()
    assert failure.resolved_at is not None and len(attempts) == 3


@pytest.mark.django_db
def test_a_reaction_is_given_up_after_many_attempts(make_ticket, reactions):
    reactions("aa.broken", lambda event: 1 / 0)
    ticket = make_ticket()
    event_dispatch(TicketEvent.objects.get(ticket=ticket).pk)
    now = timezone.now()
    for hour in range(1, 15):
        events_sweep(now + dt.timedelta(hours=hour))
    failure = EventReactionFailure.objects.get()
    assert failure.attempts == 10 and failure.given_up_at is not None


@pytest.mark.django_db
def test_the_sweeper_dispatches_an_event_left_undispatched(make_ticket, reactions):
    seen: list[int] = []
    reactions("zz.seen", lambda event: seen.append(event.pk))
    ticket = make_ticket()
    event = TicketEvent.objects.get(ticket=ticket)
    assert events_sweep(timezone.now())["dispatched"] == 0  # still within its grace period
    assert events_sweep(timezone.now() + LATER)["dispatched"] == 1
    assert events_sweep(timezone.now() + LATER)["dispatched"] == 0
    assert seen == [event.pk]


KILLED_WORKER = textwrap.dedent(
    """
    import sys, time
    import django
    django.setup()
    from django.db import transaction
    from deskline.tickets.events import event_dispatch, on_ticket_event

    def stall(event):
        open(sys.argv[2], "w").write("dispatching")
        time.sleep(120)

    on_ticket_event("zz.stall")(stall)  # runs last: every other reaction has written by then
    with transaction.atomic():
        event_dispatch(int(sys.argv[1]))
    """
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_dispatch_loses_no_reaction(tmp_path: Path):
    contact = ContactFactory(email="anna@client.example")
    ticket = ticket_create(actor=None, title="Lift stuck", contact_id=contact.pk, channel="email")
    event = TicketEvent.objects.get(ticket=ticket)
    signal_file = tmp_path / "dispatching"
    name = connection.settings_dict["NAME"]
    url = (
        f"sqlite:///{name}"
        if connection.vendor == "sqlite"
        else f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST']}:"
        f"{connection.settings_dict['PORT']}/{name}"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "deskline.settings"}
    worker = subprocess.Popen(
        [sys.executable, "-c", KILLED_WORKER, str(event.pk), str(signal_file)], env=env
    )
    try:
        deadline = time.monotonic() + 90  # starting Django on a busy machine takes a while
        while time.monotonic() < deadline:
            if signal_file.exists() or worker.poll() is not None:
                break
            time.sleep(0.05)
        assert signal_file.exists(), "the worker never reached the last reaction"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    event.refresh_from_db()
    assert event.dispatched_at is None  # the killed transaction took its claim with it
    assert not Outbox.objects.exists()
    assert events_sweep(timezone.now() + LATER)["dispatched"] == 1
    assert events_sweep(timezone.now() + LATER)["dispatched"] == 0
    assert Outbox.objects.filter(ticket=ticket, event="ticket_created").count() == 1
