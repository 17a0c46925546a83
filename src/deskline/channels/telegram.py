"""Telegram intake (writes): store each update raw, then process it once.

`update_store` commits the raw update keyed by (bot, update_id): the same update delivered
again (a getUpdates batch repeated after a crash, a webhook retried) finds its row and adds
nothing. `update_process` reads it in one transaction with the ticket writes; a failure
quarantines it with the reason, and the admin's "process again" retries it. Updates of a chat
not linked to a contact are held and processed when the chat is linked.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from deskline.channels.services import token_digest
from deskline.channels.telegram_client import TelegramClient
from deskline.channels.telegram_models import (
    TelegramBot,
    TelegramChat,
    TelegramLinkCode,
    TelegramUpdate,
)
from deskline.channels.telegramwire import Update, UpdateFormatError, read_update
from deskline.channels.vault import unseal
from deskline.clients.models import Contact
from deskline.core.errors import DomainError, ValidationFailed
from deskline.notifications.models import Event
from deskline.notifications.services import message_queue
from deskline.tickets.models import Ticket

logger = logging.getLogger(__name__)
Status = TelegramUpdate.Status


@dataclass(frozen=True)
class UpdateOutcome:
    update_pk: int
    update_id: int
    status: str
    reason: str = ""
    ticket_number: int | None = None
    comment_id: int | None = None
    duplicate: bool = False

    @property
    def summary(self) -> str:
        where = f" ticket {self.ticket_number}" if self.ticket_number else ""
        extra = f" comment {self.comment_id}" if self.comment_id else ""
        dup = " (duplicate)" if self.duplicate else ""
        return f"update {self.update_id}: {self.status}{where}{extra}{dup} {self.reason}".strip()


def _outcome(row: TelegramUpdate, *, duplicate: bool = False) -> UpdateOutcome:
    number = None
    if row.ticket_id is not None and TelegramUpdate.ticket.field.is_cached(row):
        number = row.ticket.number if row.ticket else None  # the handler set it
    elif row.ticket_id is not None:
        number = Ticket.objects.filter(pk=row.ticket_id).values_list("number", flat=True).first()
    return UpdateOutcome(
        row.pk, row.update_id, row.status, row.reason, number, row.comment_id, duplicate
    )


def bot_client(bot: TelegramBot) -> TelegramClient:
    return TelegramClient(unseal(bot.token))


def update_store(
    *, bot: TelegramBot, data: dict[str, Any], raw: bytes
) -> tuple[TelegramUpdate, bool]:
    """Commit the raw update (or find it, when it came before): (row, created)."""
    update_id = data.get("update_id")
    if isinstance(update_id, bool) or not isinstance(update_id, int):
        raise ValidationFailed("not a Telegram update", fields={"update_id": "missing"})
    try:
        with transaction.atomic():
            row, created = TelegramUpdate.objects.get_or_create(
                bot=bot,
                update_id=update_id,
                defaults={"raw": raw, "received_at": timezone.now()},
            )
    except IntegrityError:  # a concurrent delivery stored it first
        row, created = TelegramUpdate.objects.get(bot=bot, update_id=update_id), False
    if not created:
        TelegramUpdate.objects.filter(pk=row.pk).update(deliveries=F("deliveries") + 1)
    return row, created


def update_ingest(*, bot: TelegramBot, data: dict[str, Any], raw: bytes) -> UpdateOutcome:
    """Store, then process once (the webhook): a redelivered update changes nothing."""
    row, _ = update_store(bot=bot, data=data, raw=raw)
    if row.status != Status.RECEIVED:
        return _outcome(row, duplicate=True)
    return update_process(update_pk=row.pk)


def _process_row(row: TelegramUpdate, update: Update | None = None) -> None:
    """Handle a locked, stored update and save its outcome (inside the caller's atomic block)."""
    from deskline.channels.telegram_intake import handle_update

    row.attempts += 1
    row.reason = ""
    update = update if update is not None else read_update(bytes(row.raw))
    row.kind, row.chat_id = update.kind[:40], update.chat_id
    handle_update(row, update)
    row.processed_at = timezone.now()
    row.save(update_fields=[
        "status", "reason", "attempts", "kind", "chat_id", "ticket", "comment", "processed_at",
    ])  # fmt: skip


def _quarantine(update_pk: int, exc: Exception) -> None:
    logger.warning("telegram update %s quarantined", update_pk, exc_info=exc)
    if isinstance(exc, DomainError):
        why = exc.message
    elif isinstance(exc, UpdateFormatError):
        why = f"cannot read the update: {exc}"
    else:
        why = f"{type(exc).__name__}: {exc}"
    TelegramUpdate.objects.filter(pk=update_pk).update(
        status=Status.QUARANTINED,
        reason=why[:500],
        attempts=F("attempts") + 1,
        processed_at=timezone.now(),
    )


def update_process(*, update_pk: int, retry: bool = False) -> UpdateOutcome:
    """Process a stored update; a failure quarantines it with the reason (never lost)."""
    try:
        with transaction.atomic():
            row = TelegramUpdate.objects.select_for_update().select_related("bot").get(pk=update_pk)
            allowed = [Status.RECEIVED] + ([Status.QUARANTINED, Status.HELD] if retry else [])
            if row.status not in allowed:
                return _outcome(row, duplicate=True)
            _process_row(row)
        return _outcome(row)
    except Exception as exc:
        _quarantine(update_pk, exc)
    return _outcome(TelegramUpdate.objects.get(pk=update_pk))


def _read_batch(rows: list[TelegramUpdate]) -> dict[int, Update | Exception]:
    """Each row's update read from its raw JSON (or why it cannot be read)."""
    read: dict[int, Update | Exception] = {}
    for row in rows:
        try:
            read[row.pk] = read_update(bytes(row.raw))
        except UpdateFormatError as exc:
            read[row.pk] = exc
    return read


def updates_process_batch(*, bot: TelegramBot, pks: list[int]) -> list[UpdateOutcome]:
    """Process stored updates of `bot` in update_id order in ONE transaction: the rows and the
    chats they write in are read and locked in one query each instead of one per update, and
    the batch commits once. Any failure rolls the whole batch back and raises: the caller then
    processes its updates one by one (`update_process`), which quarantines the failing one
    alone. An update that cannot be read is left to that path from the start.

    Losing nothing still holds: the rows were committed (and acknowledged to Telegram) before,
    so a crash before this commit leaves them `received` for the next round. Replies, tasks and
    the bot flows' webhook calls run on commit, after the whole batch. Locks (chats, the
    tickets commented on) are held until the batch commits: keep batches small."""
    from deskline.channels.telegram_intake import prefetch_chats

    outcomes: list[UpdateOutcome] = []
    with transaction.atomic():
        rows = list(
            TelegramUpdate.objects.select_for_update()
            .filter(pk__in=pks, bot=bot, status=Status.RECEIVED)
            .order_by("update_id")
        )
        read = _read_batch(rows)
        rows = [row for row in rows if isinstance(read[row.pk], Update)]
        prefetch_chats(bot, rows, read)
        for row in rows:
            row.bot = bot
            update = read[row.pk]
            assert isinstance(update, Update)
            _process_row(row, update)
            outcomes.append(_outcome(row))
    unread = [pk for pk, update in read.items() if not isinstance(update, Update)]
    return outcomes + [update_process(update_pk=pk) for pk in unread]


def update_retry(*, update_pk: int) -> UpdateOutcome:
    """Process a quarantined (or held) update again: the admin action."""
    return update_process(update_pk=update_pk, retry=True)


def updates_process_pending(
    *, bot: TelegramBot | None = None, older_than_seconds: int = 0
) -> list[UpdateOutcome]:
    """Process stored updates still `received` (a worker died after storing them), in order."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    rows = TelegramUpdate.objects.filter(status=Status.RECEIVED, received_at__lte=cutoff)
    if bot is not None:
        rows = rows.filter(bot=bot)
    ids = list(rows.order_by("bot_id", "update_id").values_list("pk", flat=True))
    return [update_process(update_pk=pk) for pk in ids]


def updates_release_held(*, chat: TelegramChat) -> list[UpdateOutcome]:
    """A chat was just linked: process the messages it sent before, in order."""
    ids = TelegramUpdate.objects.filter(
        bot_id=chat.bot_id, chat_id=chat.chat_id, status=Status.HELD, reason__startswith="unlinked"
    ).order_by("update_id")
    return [update_process(update_pk=pk, retry=True) for pk in ids.values_list("pk", flat=True)]


def chat_say(
    *,
    chat: TelegramChat,
    text: str,
    ticket: Ticket | None = None,
    reply_markup: dict[str, Any] | None = None,
    reply_to: int | None = None,
) -> None:
    """Queue the bot's answer in the chat (sent by the outbox, with its retries)."""
    headers: dict[str, Any] = {}
    if reply_markup:
        headers["reply_markup"] = reply_markup
    if reply_to:
        headers["reply_to_message_id"] = reply_to
    message_queue(
        event=Event.CHAT_REPLY,
        recipient=str(chat.chat_id),
        subject="",
        body=text,
        channel="telegram",
        headers=headers,
        ticket=ticket,
    )


def link_code_create(*, contact: Contact) -> str:
    """A new one-time code for the contact (shown once in the portal; only its digest kept)."""
    code = secrets.token_urlsafe(12)
    now = timezone.now()
    TelegramLinkCode.objects.create(
        contact=contact,
        code_digest=token_digest(code),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=settings.DESKLINE_TELEGRAM_CODE_MINUTES),
    )
    return code


def link_code_use(*, code: str, chat: TelegramChat) -> Contact | None:
    """The contact of a valid, unused code, which is now used by `chat`; None otherwise."""
    row = (
        TelegramLinkCode.objects.select_for_update()
        .select_related("contact")
        .filter(code_digest=token_digest(code), used_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if row is None or not row.contact.is_active:
        return None
    row.used_at, row.chat = timezone.now(), chat
    row.save(update_fields=["used_at", "chat"])
    return row.contact


def active_bot() -> TelegramBot | None:
    return TelegramBot.objects.filter(is_active=True).order_by("pk").first()


def bots_to_poll() -> Iterable[TelegramBot]:
    return TelegramBot.objects.filter(is_active=True, mode=TelegramBot.Mode.POLLING).order_by("pk")


def webhook_secret_create(*, bot: TelegramBot) -> str:
    """A new webhook secret for the bot (sent to Telegram by setWebhook; only its digest kept).
    Telegram allows 1-256 characters of A-Z, a-z, 0-9, _ and -."""
    secret = secrets.token_urlsafe(32)
    TelegramBot.objects.filter(pk=bot.pk).update(webhook_secret_digest=token_digest(secret))
    return secret


def webhook_install(*, bot: TelegramBot, base_url: str) -> str:
    """Point Telegram at our webhook with a fresh secret; the URL set."""
    secret = webhook_secret_create(bot=bot)
    url = f"{base_url.rstrip('/')}/api/v1/channels/telegram/{bot.pk}"
    bot_client(bot).set_webhook(url=url, secret_token=secret)
    TelegramBot.objects.filter(pk=bot.pk).update(mode=TelegramBot.Mode.WEBHOOK, last_error="")
    return url
