"""A job left RUNNING by a worker that died is run again (or given up), and the scheduler
enqueues its periodic jobs again afterwards; a job whose worker lives is left alone."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from deskline.core.job_recovery import (
    MAX_CLAIMS,
    job_finished,
    job_lock_key,
    job_started,
    jobs_recover,
)
from deskline.core.schedule import PERIODIC, enqueue_due
from deskline.sla.tasks import sla_tick

pytestmark = pytest.mark.django_db

LONG_AGO = dt.timedelta(hours=2)  # past the grace, and past SQLite's running limit


def _running(*, workers: int = 1) -> DBTaskResult:
    sla_tick.enqueue()
    job = DBTaskResult.objects.get()
    job.status = "RUNNING"
    job.started_at = timezone.now() - LONG_AGO
    job.worker_ids = [f"worker-{n}" for n in range(workers)]
    job.save()
    return job


def _other_session() -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=s["NAME"], autocommit=True
    )


def _lock_free_elsewhere(job_id: str) -> bool:
    with _other_session() as other:
        row = other.execute("SELECT pg_try_advisory_lock(%s)", [job_lock_key(job_id)]).fetchone()
        assert row is not None
        return bool(row[0])  # the session ends here, and its lock with it


def test_a_job_left_running_by_a_dead_worker_is_requeued():
    job = _running()
    assert jobs_recover() == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert job.status == "READY"
    assert DBTaskResult.objects.ready().filter(pk=job.pk).exists()  # a worker will take it


def test_a_job_that_killed_its_worker_every_time_is_given_up():
    job = _running(workers=MAX_CLAIMS)
    assert jobs_recover() == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert job.status == "FAILED"
    assert job.exception_class_path == "deskline.core.job_recovery.WorkerLost"


def test_a_job_started_moments_ago_is_not_judged():
    job = _running()
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=timezone.now())
    assert jobs_recover() == {"requeued": 0, "failed": 0}


@pytest.mark.postgres
def test_a_job_whose_worker_holds_its_lock_is_left_running():
    if connection.vendor != "postgresql":
        pytest.skip("worker liveness is seen through PostgreSQL advisory locks")
    job = _running()
    with _other_session() as worker:
        worker.execute("SELECT pg_advisory_lock(%s)", [job_lock_key(str(job.pk))])
        assert jobs_recover() == {"requeued": 0, "failed": 0}
    job.refresh_from_db()
    assert job.status == "RUNNING"
    assert jobs_recover() == {"requeued": 1, "failed": 0}  # that worker's session has ended


@pytest.mark.postgres
def test_a_worker_holds_the_lock_of_its_job_from_start_to_finish():
    if connection.vendor != "postgresql":
        pytest.skip("worker liveness is seen through PostgreSQL advisory locks")
    result = SimpleNamespace(id="0b6f4e2c-5d6a-4c1e-9b8f-2f3a4b5c6d7e")
    job_started(sender=DatabaseBackend, task_result=result)
    assert not _lock_free_elsewhere(result.id)
    job_finished(sender=DatabaseBackend, task_result=result)
    assert _lock_free_elsewhere(result.id)


def test_the_scheduler_enqueues_a_periodic_job_again_after_its_worker_died():
    last_run: dict[str, float] = {}
    enqueue_due(last_run, now=0.0)
    DBTaskResult.objects.exclude(task_path=sla_tick.module_path).update(status="SUCCESSFUL")
    DBTaskResult.objects.filter(task_path=sla_tick.module_path).update(
        status="RUNNING", started_at=timezone.now() - LONG_AGO, worker_ids=["killed"]
    )
    shortest = min(job.every_seconds for job in PERIODIC)
    enqueue_due(last_run, now=float(shortest))
    runs = DBTaskResult.objects.filter(task_path=sla_tick.module_path)
    assert list(runs.values_list("status", flat=True)) == ["READY"]  # the lost run, once
