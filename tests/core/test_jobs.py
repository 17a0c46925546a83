"""core.jobs.enqueue: the same job row as task.enqueue(), run by the real worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from deskline.core.jobs import enqueue
from deskline.tickets.models import TicketEvent
from deskline.tickets.tasks import ticket_event_dispatch

pytestmark = pytest.mark.django_db

COMPARED = [f.name for f in DBTaskResult._meta.fields if f.name not in ("id", "enqueued_at")]


def test_the_lean_row_equals_the_backends_row_column_by_column():
    enqueue(ticket_event_dispatch, event_id=7)
    lean = DBTaskResult.objects.get()
    ticket_event_dispatch.enqueue(event_id=7)
    library = DBTaskResult.objects.exclude(pk=lean.pk).get()
    assert model_to_dict(lean, COMPARED) == model_to_dict(library, COMPARED)
    assert lean.enqueued_at is not None


# The worker closes the connection between jobs, as in production: a real transaction is needed.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_real_worker_runs_a_lean_job(make_ticket):
    ticket = make_ticket()  # its creation enqueues the dispatch of its event this way
    event = TicketEvent.objects.get(ticket=ticket)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    job = DBTaskResult.objects.get()
    assert job.status == "SUCCESSFUL"
    event.refresh_from_db()
    assert event.dispatched_at is not None


def test_a_deferred_job_goes_through_the_backend_with_its_time():
    later = timezone.now() + dt.timedelta(hours=1)
    enqueue(ticket_event_dispatch.using(run_after=later), event_id=7)
    assert DBTaskResult.objects.get().run_after == later
