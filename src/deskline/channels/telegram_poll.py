"""Long polling (getUpdates): store a batch, advance the offset, then process.

The offset moves past an update only once that update is stored, so a poller killed at any
point loses nothing: updates stored but not processed are processed on the next round, and a
batch fetched again after a crash finds its rows (keyed by update_id) and adds nothing.
Stored updates are processed BATCH at a time, in one transaction with a savepoint each.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from deskline.channels.telegram import (
    UpdateOutcome,
    bot_client,
    update_process,
    updates_process_batch,
)
from deskline.channels.telegram_client import BotApiError
from deskline.channels.telegram_models import TelegramBot, TelegramUpdate

logger = logging.getLogger(__name__)
Report = Callable[[UpdateOutcome], None]
#: Updates processed in one transaction (see `updates_process_batch`): the locks on chats and
#: commented tickets are held until it commits, so it stays small (~0.1 s of work on PostgreSQL).
BATCH = 25


def _store_batch(bot: TelegramBot, items: list[object]) -> int | None:
    """Store every update of the batch in one transaction (rows already stored count one more
    delivery); the newest update_id stored."""
    rows: dict[int, bytes] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("update_id"), int):
            logger.warning("telegram: an update without update_id skipped: %r", item)
            continue
        rows[item["update_id"]] = json.dumps(
            item, ensure_ascii=False, separators=(",", ":")
        ).encode()
    if not rows:
        return None
    now = timezone.now()
    with transaction.atomic():
        seen = set(
            TelegramUpdate.objects.filter(bot=bot, update_id__in=rows).values_list(
                "update_id", flat=True
            )
        )
        TelegramUpdate.objects.bulk_create(
            [TelegramUpdate(bot=bot, update_id=uid, raw=raw, received_at=now)
             for uid, raw in rows.items() if uid not in seen],
            ignore_conflicts=True,  # a concurrent poller or the webhook stored it first
        )  # fmt: skip
        if seen:
            TelegramUpdate.objects.filter(bot=bot, update_id__in=seen).update(
                deliveries=F("deliveries") + 1
            )
    return max(rows)


def process_stored(bot: TelegramBot, report: Report | None = None) -> int:
    """Process the bot's stored, unprocessed updates in update_id order; how many."""
    ids = list(
        TelegramUpdate.objects.filter(bot=bot, status=TelegramUpdate.Status.RECEIVED)
        .order_by("update_id")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        try:
            outcomes = updates_process_batch(bot=bot, pks=chunk)
        except Exception:  # the batch's transaction failed as a whole: one by one, as before
            logger.warning("telegram: a batch failed, processing its updates one by one",
                           exc_info=True)  # fmt: skip
            outcomes = [update_process(update_pk=pk) for pk in chunk]
        if report is not None:
            for outcome in outcomes:
                report(outcome)
    return len(ids)


def poll_once(bot: TelegramBot, *, timeout: int = 25, report: Report | None = None) -> int:
    """One getUpdates round for the bot: how many updates Telegram gave."""
    process_stored(bot, report)  # what a killed poller stored and did not process
    try:
        items = bot_client(bot).get_updates(offset=bot.update_offset, timeout=timeout)
    except BotApiError as exc:
        TelegramBot.objects.filter(pk=bot.pk).update(
            last_error=str(exc)[:2000], last_polled_at=timezone.now()
        )
        raise
    newest = _store_batch(bot, items)
    values: dict[str, object] = {"last_polled_at": timezone.now(), "last_error": ""}
    if newest is not None and newest + 1 > bot.update_offset:
        bot.update_offset = newest + 1
        values["update_offset"] = bot.update_offset
    TelegramBot.objects.filter(pk=bot.pk).update(**values)
    process_stored(bot, report)
    return len(items)
