"""Periodic jobs: what runs on a timer (mail polling, outbox, SLA escalation, time triggers).

django-tasks has no scheduler, so `deskline scheduler` (started by `deskline run`) enqueues each
periodic job on its interval; the task workers run them. A job is not enqueued again while a
previous run of it is still waiting or running, so a slow round never piles up; a run left
RUNNING by a worker that died is requeued first (`core.job_recovery`). Every periodic
job is safe to run twice (each claims its work), so a second scheduler on another machine does
no harm beyond extra rounds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django_tasks import TaskResultStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    task_path: str
    every_seconds: int


PERIODIC = (
    Periodic("mail polling", "deskline.channels.tasks.mail_poll_all", 60),
    Periodic("event sweeper", "deskline.tickets.tasks.ticket_events_sweep", 60),
    Periodic("notification outbox", "deskline.notifications.tasks.outbox_send_due", 60),
    Periodic("SLA escalation and risk", "deskline.sla.tasks.sla_tick", 60),
    Periodic("time triggers", "deskline.routing.tasks.automation_scan_time", 300),
    Periodic("job table pruning", "deskline.core.tasks.task_results_prune", 24 * 3600),
    Periodic("planner statistics", "deskline.core.tasks.database_statistics_refresh", 24 * 3600),
    Periodic("scheduled reports", "deskline.analytics.tasks.scheduled_reports_due", 3600),
    Periodic("NPS invitations", "deskline.feedback.tasks.nps_invitations_due", 24 * 3600),
    Periodic("planned maintenance", "deskline.fieldwork.maintenance_tasks.maintenance_due", 3600),
    Periodic(
        "expiry reminders", "deskline.fieldwork.maintenance_tasks.expiry_reminders_due", 24 * 3600
    ),
    Periodic(
        "article review reminders", "deskline.knowledge.tasks.article_reviews_remind", 24 * 3600
    ),
    # Checked daily, trains when a week has passed since the last training (see the task).
    Periodic("triage retraining", "deskline.triage.tasks.triage_retrain", 24 * 3600),
)


def _view_counts_jobs() -> tuple[Periodic, ...]:
    """The shared view counts' refresh, every half DESKLINE_VIEW_COUNT_SECONDS (at least the
    scheduler's 5 s round), only when the cache is shared between processes (REDIS_URL): a
    worker's own per-process cache would serve no page."""
    from django.conf import settings

    seconds = settings.DESKLINE_VIEW_COUNT_SECONDS
    if not settings.REDIS_URL or not seconds:
        return ()
    path = "deskline.tickets.tasks.view_counts_refresh"
    return (Periodic("shared view counts", path, max(5, seconds // 2)),)


def _task(path: str) -> Any:
    from django.utils.module_loading import import_string

    return import_string(path)


def _busy(path: str) -> bool:
    from django_tasks_db.models import DBTaskResult

    waiting = (TaskResultStatus.READY, TaskResultStatus.RUNNING)
    return DBTaskResult.objects.filter(task_path=path, status__in=waiting).exists()


#: The key under which `enqueue_due` remembers its last recovery of abandoned jobs.
RECOVERY = "recovery of jobs whose worker died"


def enqueue_due(last_run: dict[str, float], now: float) -> list[str]:
    """Requeue jobs whose worker died (every RECOVER_EVERY seconds), then enqueue every
    periodic job whose interval has passed; returns their names."""
    from deskline.core.job_recovery import RECOVER_EVERY, jobs_recover

    if now - last_run.get(RECOVERY, float("-inf")) >= RECOVER_EVERY:
        last_run[RECOVERY] = now
        recovered = jobs_recover()
        if any(recovered.values()):
            logger.warning("jobs whose worker died: %s", recovered)
    started = []
    for job in PERIODIC + _view_counts_jobs():
        if now - last_run.get(job.name, float("-inf")) < job.every_seconds:
            continue
        last_run[job.name] = now
        if _busy(job.task_path):
            continue
        _task(job.task_path).enqueue()
        started.append(job.name)
    return started


def run_forever(
    sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic
) -> None:
    from django.db import close_old_connections

    last_run: dict[str, float] = {}
    while True:
        close_old_connections()
        try:
            for name in enqueue_due(last_run, clock()):
                logger.info("enqueued %s", name)
        except Exception:
            # A database hiccup must not kill the scheduler; the next round tries again.
            logger.exception("scheduler round failed")
        sleep(5)
