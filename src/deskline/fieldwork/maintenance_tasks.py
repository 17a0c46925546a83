"""Background jobs of planned maintenance and expiry reminders (run by the scheduler)."""

from __future__ import annotations

from django_tasks import task

from deskline.fieldwork.maintenance_scheduler import maintenance_run


@task()
def maintenance_due() -> None:
    maintenance_run()
