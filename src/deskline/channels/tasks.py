"""Background jobs of the channels app: polling IMAP mailboxes, processing pending mail,
alerts and Telegram updates a dead worker left stored but unprocessed.

django-tasks has no scheduler, so `mail_poll_all` re-enqueues itself with `run_after`
when asked to (`repeat_seconds`); `deskline mail poll --loop` (the `mail_poll` command) is
the other way to run it periodically.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from deskline.channels.alerts import alert_process_pending
from deskline.channels.imap import mailbox_poll
from deskline.channels.phone import call_events_process_pending
from deskline.channels.selectors import mailboxes_to_poll
from deskline.channels.services import inbound_process_pending
from deskline.channels.telegram import updates_process_pending


def poll_round() -> dict[str, int]:
    """Poll every active IMAP mailbox once and process mail a dead worker left behind."""
    counts = {"fetched": 0, "errors": 0, "pending": inbound_process_pending()}
    counts["alerts_pending"] = alert_process_pending()
    counts["telegram_pending"] = len(updates_process_pending(older_than_seconds=300))
    counts["calls_pending"] = call_events_process_pending()
    for mailbox_id in mailboxes_to_poll().values_list("pk", flat=True):
        result = mailbox_poll(mailbox_id=mailbox_id)
        counts["fetched"] += result.fetched
        counts["errors"] += int(bool(result.error))
    return counts


@task()
def mail_poll_all(*, repeat_seconds: int = 0) -> dict[str, int]:
    try:
        return poll_round()
    finally:
        if repeat_seconds > 0:
            later = timezone.now() + dt.timedelta(seconds=repeat_seconds)
            mail_poll_all.using(run_after=later).enqueue(repeat_seconds=repeat_seconds)
