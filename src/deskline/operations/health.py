"""Readiness: can this process serve requests and are its jobs moving? (`/readyz`)

Each check returns (ok, detail). Liveness (`/healthz`) needs no check: answering is the proof.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Case, F, Min, When
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

Check = tuple[bool, str]
_migrated = False  # once every migration is applied, it stays so for this process


def database_check() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", with its reason
        return False, f"unreachable: {exc.__class__.__name__}: {exc}"[:300]
    return True, connection.vendor


def cache_check() -> Check:
    key, value = f"readyz:{uuid.uuid4().hex}", "1"
    try:
        cache.set(key, value, 10)
        ok = cache.get(key) == value
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001
        return False, f"unreachable: {exc.__class__.__name__}: {exc}"[:300]
    return (True, "ok") if ok else (False, "a value written was not read back")


def migrations_check() -> Check:
    global _migrated
    if _migrated:
        return True, "applied"
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return False, f"{len(pending)} migrations not applied (run `deskline manage migrate`)"
    _migrated = True
    return True, "applied"


def due_jobs() -> Any:
    """Jobs a worker should take now, each with `since`: when it became due."""
    return DBTaskResult.objects.ready().annotate(
        since=Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    )


def oldest_due_since() -> dt.datetime | None:
    oldest: dt.datetime | None = due_jobs().aggregate(oldest=Min("since"))["oldest"]
    return oldest


def queue_check(now: dt.datetime | None = None) -> Check:
    """Stuck when a job that is due has waited longer than DESKLINE_READY_QUEUE_MAX_AGE."""
    now = now or timezone.now()
    limit = dt.timedelta(seconds=settings.DESKLINE_READY_QUEUE_MAX_AGE)
    oldest = oldest_due_since()
    if oldest is None:
        return True, "empty"
    waited = now - oldest
    if waited > limit:
        return False, f"the oldest due job has waited {int(waited.total_seconds())} s: no worker?"
    return True, f"oldest due job waited {int(waited.total_seconds())} s"


def readiness() -> dict[str, Check]:
    checks = {"database": database_check()}
    if checks["database"][0]:
        checks["migrations"] = migrations_check()
        checks["queue"] = queue_check()
    checks["cache"] = cache_check()
    return checks
