"""Background jobs of the routing app: the time-trigger scan."""

from __future__ import annotations

from django_tasks import task

from deskline.routing.automation import automation_scan


@task()
def automation_scan_time() -> int:
    """Fire due time triggers; run it periodically (e.g. `manage.py routing_scan` from cron)."""
    return automation_scan()
