"""The periodic-job scheduler: each job is enqueued on its interval, never piled up."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from deskline.core.schedule import PERIODIC, enqueue_due

pytestmark = pytest.mark.django_db


def _queued() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


def test_every_periodic_job_is_enqueued_at_the_first_round():
    last_run: dict[str, float] = {}
    assert len(enqueue_due(last_run, now=0.0)) == len(PERIODIC)
    assert _queued() == sorted(job.task_path for job in PERIODIC)


def test_a_job_still_waiting_is_not_enqueued_again():
    last_run: dict[str, float] = {}
    enqueue_due(last_run, now=0.0)
    assert enqueue_due(last_run, now=10_000.0) == []
    assert len(_queued()) == len(PERIODIC)


def test_a_finished_job_is_enqueued_again_after_its_interval():
    last_run: dict[str, float] = {}
    enqueue_due(last_run, now=0.0)
    DBTaskResult.objects.update(status="SUCCESSFUL")
    assert enqueue_due(last_run, now=1.0) == []  # the interval has not passed
    shortest = min(job.every_seconds for job in PERIODIC)
    again = enqueue_due(last_run, now=float(shortest))
    assert again == [job.name for job in PERIODIC if job.every_seconds == shortest]


def test_pruning_deletes_old_finished_job_rows():
    import datetime as dt

    from django.utils import timezone

    from deskline.core.tasks import task_results_prune

    enqueue_due({}, now=0.0)
    old = timezone.now() - dt.timedelta(days=20)
    DBTaskResult.objects.update(status="SUCCESSFUL", finished_at=old, enqueued_at=old)
    task_results_prune.call()
    assert not DBTaskResult.objects.exists()
