"""Background jobs of notifications: send one outbox row; flush everything due."""

from __future__ import annotations

from django_tasks import task

from deskline.notifications.services import outbox_deliver, outbox_flush


@task()
def outbox_send(*, outbox_id: int) -> str:
    return outbox_deliver(outbox_id=outbox_id)


@task()
def outbox_send_due() -> dict[str, int]:
    return outbox_flush()
