"""Two scheduler workers at once, then a restart: each maintenance ticket exactly once
(PostgreSQL: on SQLite writers are serialised, so there is no race to lose)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from deskline.fieldwork.maintenance_models import MaintenanceOccurrence
from deskline.fieldwork.maintenance_scheduler import maintenance_run
from deskline.fieldwork.maintenance_services import plan_create
from deskline.tickets.models import Ticket
from tests.factories import EquipmentFactory

PLANS = 40


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_and_a_restart_create_each_maintenance_ticket_once(admin: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is a PostgreSQL question")
    today = timezone.localdate()
    items = [EquipmentFactory() for _ in range(PLANS)]
    for n, item in enumerate(items):
        plan_create(actor=admin, values={
            "name": f"Plan {n}", "scope": "equipment", "equipment_id": item.pk,
            "rule": "FREQ=WEEKLY", "starts_on": today - dt.timedelta(weeks=n % 5), "lead_days": 7,
            "title": "Weekly check"})  # fmt: skip
    start = threading.Barrier(2)
    created: list[list[int]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            created.append(maintenance_run(today=today).created)
        except BaseException as exc:  # reported below; a thread cannot fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    restart = maintenance_run(today=today).created  # a worker started again: nothing left
    numbers = [n for run in created for n in run]
    assert restart == []
    assert len(numbers) == len(set(numbers)) == PLANS * 2  # two weekly dates within the lead
    per_item = Ticket.objects.filter(equipment__in=items).values_list("equipment_id", flat=True)
    assert sorted(per_item) == sorted([i.pk for i in items] * 2)
    assert MaintenanceOccurrence.objects.filter(state="created").count() == PLANS * 2
