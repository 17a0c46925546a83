"""Event dispatch: registered reactions run once per event, however often the job runs."""

from __future__ import annotations

import pytest

from deskline.tickets.events import event_dispatch, on_ticket_event, remove_handler
from deskline.tickets.models import TicketEvent
from deskline.tickets.tasks import ticket_event_dispatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen():
    calls: list[tuple[int, str]] = []
    on_ticket_event("test-recorder")(lambda event: calls.append((event.ticket.number, event.kind)))
    yield calls
    remove_handler("test-recorder")


def test_dispatch_runs_handlers_once(make_ticket, seen):
    ticket = make_ticket()
    event = TicketEvent.objects.get(ticket=ticket)
    assert event_dispatch(event.pk) is True
    assert event_dispatch(event.pk) is False
    assert seen == [(ticket.number, "created")]


def test_the_dispatch_job_marks_the_event(make_ticket, seen):
    ticket = make_ticket()
    event = TicketEvent.objects.get(ticket=ticket)
    ticket_event_dispatch.call(event_id=event.pk)
    event.refresh_from_db()
    assert event.dispatched_at is not None


def test_a_failing_handler_does_not_stop_the_others(make_ticket):
    calls: list[int] = []
    on_ticket_event("test-broken")(lambda event: 1 / 0)
    on_ticket_event("test-after-broken")(lambda event: calls.append(event.pk))
    try:
        ticket = make_ticket()
        event_dispatch(TicketEvent.objects.get(ticket=ticket).pk)
    finally:
        remove_handler("test-broken")
        remove_handler("test-after-broken")
    assert len(calls) == 1
