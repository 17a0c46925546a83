"""Background jobs of planned maintenance and expiry reminders (run by the scheduler)."""

from __future__ import annotations

from django_tasks import task

from deskline.fieldwork.expiry import expiry_reminders_send
from deskline.fieldwork.maintenance_scheduler import maintenance_run


@task()
def maintenance_due() -> None:
    maintenance_run()


@task()
def expiry_reminders_due() -> None:
    expiry_reminders_send()
