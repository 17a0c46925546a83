"""Breach risk through the job: stored per open ticket, and the manager warned once."""

from __future__ import annotations

import pytest

from deskline.sla.models import TicketSla
from deskline.sla.prediction import risk_update
from deskline.tickets.models import TicketEvent
from tests.factories import CompanyFactory, UserFactory
from tests.sla.conftest import msk

pytestmark = pytest.mark.django_db


def _history(make_ticket, minutes: int, count: int) -> None:
    for _ in range(count):
        done = make_ticket(title="Past")
        TicketSla.objects.filter(ticket=done).update(active_minutes=minutes)
        type(done).objects.filter(pk=done.pk).update(phase="closed", resolved_at=msk(16, 9))


def test_the_risk_is_stored_and_the_manager_warned_once(make_ticket, clock):
    _history(make_ticket, minutes=3000, count=40)  # similar tickets took longer than 2160
    manager = UserFactory(username="boss", role="supervisor")
    ticket = make_ticket(company_id=CompanyFactory(manager=manager).pk)
    clock.set(msk(16, 11))
    risk_update()
    risk_update()
    assert TicketSla.objects.get(ticket=ticket).breach_risk > 0.9
    [event] = TicketEvent.objects.filter(ticket=ticket, kind="sla")
    assert (event.payload.source, event.payload.recipients) == ("breach_risk", [manager.pk])


def test_a_ticket_like_quick_past_ones_has_a_low_risk(make_ticket, clock):
    _history(make_ticket, minutes=60, count=40)
    ticket = make_ticket()
    clock.set(msk(16, 10, 30))
    risk_update()
    assert TicketSla.objects.get(ticket=ticket).breach_risk < 0.05
    assert not TicketEvent.objects.filter(ticket=ticket, kind="sla").exists()
