"""Outbound Telegram: the outbox's sender for the "telegram" channel (notifications and the
bot's answers, with the outbox's retries) and the address a contact has there (their linked
chat). A resolution notice carries the rating buttons; every message sent about a ticket is
remembered, so the client's Telegram reply to it lands on that ticket."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from deskline.accounts.models import User
from deskline.channels.telegram import bot_client
from deskline.channels.telegram_models import TelegramBot, TelegramChat, TelegramMessage
from deskline.clients.models import Contact
from deskline.notifications.models import Event, Outbox

STARS = "\u2b50"


def rating_keyboard(number: int) -> dict[str, Any]:
    return {
        "inline_keyboard": [
            [{"text": f"{score} {STARS}" if score == 1 else f"{score}",
              "callback_data": f"rate:{number}:{score}"} for score in range(1, 6)]
        ]
    }  # fmt: skip


def telegram_address(user: User | None, contact: Contact | None) -> str:
    """The chat id of the contact's linked chat with an active bot, or "" (then: mail)."""
    if contact is None and user is not None:
        contact = Contact.objects.filter(user=user).first()
    if contact is None:
        return ""
    chat_id = (
        TelegramChat.objects.filter(contact=contact, bot__is_active=True)
        .order_by("-linked_at")
        .values_list("chat_id", flat=True)
        .first()
    )
    return "" if chat_id is None else str(chat_id)


class TelegramSender:
    def available(self) -> bool:
        """Connected while an active bot exists (else a Telegram preference is refused)."""
        return TelegramBot.objects.filter(is_active=True).exists()

    def send(self, message: Outbox) -> None:
        chat = (
            TelegramChat.objects.select_related("bot")
            .filter(chat_id=int(message.recipient), bot__is_active=True)
            .order_by("-linked_at", "-pk")
            .first()
        )
        if chat is None:
            raise LookupError(f"no active Telegram bot has the chat {message.recipient}")
        headers = message.headers or {}
        if message.event == Event.CHAT_REPLY:
            text = message.body
        else:
            text = f"{message.subject}\n\n{message.body}".strip()
        markup = headers.get("reply_markup")
        if markup is None and message.event == Event.TICKET_RESOLVED and message.ticket:
            markup = rating_keyboard(message.ticket.number)
        sent = bot_client(chat.bot).send_message(
            chat_id=chat.chat_id,
            text=text,
            reply_markup=markup,
            reply_to_message_id=headers.get("reply_to_message_id"),
        )
        if sent and message.ticket_id and isinstance(sent.get("message_id"), int):
            TelegramMessage.objects.get_or_create(
                bot=chat.bot, chat_id=chat.chat_id, message_id=sent["message_id"],
                direction=TelegramMessage.Direction.OUT,
                defaults={"ticket_id": message.ticket_id, "created_at": timezone.now()},
            )  # fmt: skip
