"""Background jobs of the routing app: webhook delivery attempts and the time-trigger scan."""

from __future__ import annotations

from django_tasks import task

from deskline.routing.automation import automation_scan
from deskline.routing.webhooks import delivery_attempt


@task()
def webhook_deliver(*, delivery_id: int) -> str:
    return delivery_attempt(delivery_id)


@task()
def automation_scan_time() -> int:
    """Fire due time triggers; run it periodically (e.g. `manage.py routing_scan` from cron)."""
    return automation_scan()
