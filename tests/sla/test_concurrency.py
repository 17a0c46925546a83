"""Escalation steps fire once per ticket even when several job runs overlap."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from deskline.sla.escalation import sla_escalate
from deskline.sla.models import EscalationFiring
from deskline.tickets.models import TicketEvent
from tests.factories import CompanyFactory, UserFactory
from tests.sla.conftest import msk

RUNS = 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_runs_fire_each_step_once(make_ticket, clock):
    manager = UserFactory(username="manager", role="supervisor")
    company = CompanyFactory(manager=manager)
    tickets = [make_ticket(company_id=company.pk) for _ in range(5)]
    clock.set(msk(18, 12))
    start = threading.Barrier(RUNS)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            sla_escalate()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert TicketEvent.objects.filter(kind="sla").count() == len(tickets)
    assert EscalationFiring.objects.count() == len(tickets)
