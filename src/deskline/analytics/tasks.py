"""Background jobs of the analytics app: mailing the scheduled reports."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from deskline.analytics.scheduled import scheduled_reports_send


@task()
def scheduled_reports_due() -> None:
    scheduled_reports_send(today=timezone.localdate())
