"""The Telegram webhook: Telegram posts each update here with the secret set by setWebhook."""

from __future__ import annotations

import hmac
import json

from django.http import HttpRequest
from ninja import Router, Schema

from deskline.channels.api import MailboxAuthFailed
from deskline.channels.services import token_digest
from deskline.channels.telegram import update_ingest
from deskline.channels.telegram_models import TelegramBot
from deskline.core.errors import ValidationFailed

router = Router(tags=["channels"])
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class TelegramIntakeOut(Schema):
    ok: bool
    status: str
    duplicate: bool


@router.post("/telegram/{bot_id}", auth=None, response={200: TelegramIntakeOut})
def telegram_webhook(request: HttpRequest, bot_id: int) -> dict[str, object]:
    """Take one update of the bot `bot_id` (Telegram's webhook call).

    The `X-Telegram-Bot-Api-Secret-Token` header must be the secret the admin's "install the
    webhook" action gave Telegram. The update is stored before it is read; the same update
    delivered again answers `duplicate: true` and changes nothing.
    """
    secret = request.headers.get(SECRET_HEADER, "")
    bot = TelegramBot.objects.filter(pk=bot_id, is_active=True).first()
    expected = bot.webhook_secret_digest if bot is not None else ""
    if bot is None or not expected or not hmac.compare_digest(expected, token_digest(secret)):
        raise MailboxAuthFailed(f"a valid {SECRET_HEADER} header is required")
    raw = request.body
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            "the body must be a Telegram update", fields={"body": "not JSON"}
        ) from exc
    if not isinstance(data, dict):
        raise ValidationFailed(
            "the body must be a Telegram update", fields={"body": "not an object"}
        )
    outcome = update_ingest(bot=bot, data=data, raw=raw)
    return {"ok": True, "status": outcome.status, "duplicate": outcome.duplicate}
