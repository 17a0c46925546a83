"""Files sent in Telegram (photo, document, voice, audio, video) as ticket attachments, with the
upload limits every channel has; a file refused is noted, not fatal to the message."""

from __future__ import annotations

import io

from django.conf import settings
from django.db import transaction

from deskline.channels.telegram_client import FileTooLarge
from deskline.channels.telegram_models import TelegramBot
from deskline.channels.telegramwire import IncomingMessage
from deskline.core.errors import DomainError
from deskline.tickets.services import attachment_add


def attach_files(
    bot: TelegramBot, msg: IncomingMessage, number: int, comment_id: int | None
) -> str:
    """Download and attach the message's files; the refusals, for the update's reason.

    A network failure raises (the update is quarantined and retried whole, nothing half
    written); a file over the limit or of a refused type is left out and noted."""
    from deskline.channels.telegram import bot_client

    if not msg.files:
        return ""
    limit = int(settings.DESKLINE_MAX_UPLOAD_BYTES)
    client = bot_client(bot)
    notes: list[str] = []
    for ref in msg.files:
        if ref.size is not None and ref.size > limit:
            notes.append(f"{ref.filename}: {ref.size} bytes, over the limit of {limit}")
            continue
        try:
            data = client.download(file_id=ref.file_id, max_bytes=limit)
        except FileTooLarge as exc:
            notes.append(f"{ref.filename}: {exc.description}")
            continue
        try:
            with transaction.atomic():
                attachment_add(
                    actor=None,
                    number=number,
                    filename=ref.filename,
                    content=io.BytesIO(data),
                    size=len(data),
                    comment_id=comment_id,
                )
        except DomainError as exc:
            notes.append(f"{ref.filename}: {exc.message}")
    return f"attachments refused: {'; '.join(notes)}" if notes else ""
