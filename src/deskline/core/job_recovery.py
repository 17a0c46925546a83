"""Jobs whose worker died mid-run: found and run again, so that no background job is lost.

django-tasks-db marks a job RUNNING when a worker claims it and finishes the row when the job
returns. A worker killed in between (SIGKILL, out of memory, a machine lost) leaves the row
RUNNING for ever: the job never completes, and the scheduler, which does not enqueue a periodic
job while a run of it waits or runs, would never enqueue that job again (one killed SLA run
stopped every later escalation).

On PostgreSQL a worker holds a session advisory lock keyed by the job while it runs it (taken
on the `task_started` signal, released on `task_finished`); the database drops the lock when
the worker's connection dies. `jobs_recover` takes every RUNNING job older than `GRACE` whose
lock is free, i.e. whose worker is gone, and puts it back to READY (jobs are written to be
safe to run again), or marks it FAILED once it has been claimed `MAX_CLAIMS` times (a job that
kills its worker every time). Other databases (SQLite: one machine) cannot see a worker's
liveness: there a job RUNNING for longer than `RUNNING_LIMIT_ELSEWHERE` counts as abandoned.

The scheduler calls `jobs_recover` itself every `RECOVER_EVERY` seconds rather than queueing
it as a job, which could itself be left RUNNING by a killed worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus

logger = logging.getLogger(__name__)

#: A claimed job takes its lock right after the claim commits; younger ones are not judged.
GRACE = dt.timedelta(seconds=60)
MAX_CLAIMS = 3
RUNNING_LIMIT_ELSEWHERE = dt.timedelta(hours=1)
RECOVER_EVERY = 30.0


class WorkerLost(Exception):
    """Recorded as the failure of a job whose worker died every time it ran it."""


def job_lock_key(job_id: str) -> int:
    """The advisory lock key of a job: the first 64 bits of its UUID, as a signed bigint."""
    return int.from_bytes(uuid.UUID(str(job_id)).bytes[:8], "big", signed=True)


def _liveness_locks() -> bool:
    return connection.vendor == "postgresql"


def _is_database_backend(sender: Any) -> bool:
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(sender, type) and issubclass(sender, DatabaseBackend)


def _worker_lock(sql: str, sender: Any, task_result: Any) -> None:
    if not _is_database_backend(sender) or not _liveness_locks():
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [job_lock_key(task_result.id)])
    except Exception:  # never fail the job for its bookkeeping: it only looks abandoned later
        logger.warning("liveness lock of job %s: %s failed", task_result.id, sql, exc_info=True)


def job_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """In the worker, as a job starts: hold its lock for as long as this worker lives."""
    _worker_lock("SELECT pg_try_advisory_lock(%s)", sender, task_result)


def job_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """In the worker, as a job finishes: let go of its lock."""
    _worker_lock("SELECT pg_advisory_unlock(%s)", sender, task_result)


def _worker_gone(job_id: str, started_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Inside the recovering transaction: whether nobody runs the job any more."""
    if not _liveness_locks():
        return started_at is None or started_at < now - RUNNING_LIMIT_ELSEWHERE
    with connection.cursor() as cursor:
        # Transaction-level: released when this recovery commits, then the next worker takes it.
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [job_lock_key(job_id)])
        return bool(cursor.fetchone()[0])


def jobs_recover(now: dt.datetime | None = None) -> dict[str, int]:
    """Requeue (or give up) the RUNNING jobs whose worker died; counts for the log."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    requeued = failed = 0
    candidates = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - GRACE
    ).values_list("id", flat=True)
    for job_id in list(candidates):
        with transaction.atomic():
            job = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, status=TaskResultStatus.RUNNING)
                .first()
            )
            if job is None or not _worker_gone(str(job.pk), job.started_at, now):
                continue
            if len(job.worker_ids) >= MAX_CLAIMS:
                job.status = TaskResultStatus.FAILED
                job.finished_at = now
                job.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
                job.traceback = f"the worker running this job died {len(job.worker_ids)} times"
                job.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                failed += 1
                logger.error("job %s (%s) given up: its worker died every time", job.pk,
                             job.task_path)  # fmt: skip
            else:
                job.status = TaskResultStatus.READY
                job.save(update_fields=["status"])
                requeued += 1
                logger.warning("job %s (%s) requeued: its worker died", job.pk, job.task_path)
    return {"requeued": requeued, "failed": failed}
