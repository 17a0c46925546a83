"""Background jobs owned by core: housekeeping of the task table itself."""

from __future__ import annotations

from django.core.management import call_command
from django_tasks import task


@task()
def task_results_prune() -> None:
    """Delete finished job rows older than 14 days (failed ones are kept 30 days to inspect)."""
    call_command("prune_db_task_results", min_age_days=14, failed_min_age_days=30, verbosity=0)


@task()
def database_statistics_refresh() -> None:
    """Keep SQLite's planner statistics current (see `core.statistics`)."""
    from deskline.core.statistics import statistics_refresh

    statistics_refresh()
