"""Linking a Telegram chat to a contact: a one-time code from the portal (`/start CODE`, the
t.me deep link) or the client's own phone number shared with the bot's button. A chat that is
not linked gets one polite request (with the "share my phone number" button) per day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from deskline.channels.telegram import chat_say, link_code_use, updates_release_held
from deskline.channels.telegram_models import TelegramChat
from deskline.channels.telegramwire import IncomingMessage, start_code
from deskline.clients.models import Contact
from deskline.clients.phones import phone_normalize
from deskline.notifications.models import Event, NotificationPreference

ASK_AGAIN_AFTER = dt.timedelta(hours=24)
#: What a linked client hears about in the chat unless they chose otherwise.
CLIENT_EVENTS = (
    Event.TICKET_CREATED,
    Event.AGENT_REPLIED,
    Event.STATUS_CHANGED,
    Event.TICKET_RESOLVED,
)


@dataclass(frozen=True)
class LinkResult:
    ok: bool
    reason: str


def _share_phone_keyboard() -> dict[str, object]:
    return {
        "keyboard": [[{"text": _("Share my phone number"), "request_contact": True}]],
        "one_time_keyboard": True,
        "resize_keyboard": True,
    }


def ask_to_link(chat: TelegramChat) -> None:
    now = timezone.now()
    if chat.asked_to_link_at is not None and now - chat.asked_to_link_at < ASK_AGAIN_AFTER:
        return
    chat_say(
        chat=chat,
        text=_(
            "Hello! We keep your message, but we do not know yet who you are. Please open "
            '"Connect Telegram" in the client portal and follow the link, or share your phone '
            "number with the button below if it is registered with us."
        ),
        reply_markup=_share_phone_keyboard(),
    )
    chat.asked_to_link_at = now
    chat.save(update_fields=["asked_to_link_at"])


def chat_link(*, chat: TelegramChat, contact: Contact, by: str) -> None:
    """Link the chat, prefer Telegram for the contact's client notifications (choices they made
    stay), and process the messages the chat sent before."""
    chat.contact, chat.linked_by, chat.linked_at = contact, by, timezone.now()
    chat.save(update_fields=["contact", "linked_by", "linked_at"])
    if contact.user_id is not None:
        for event in CLIENT_EVENTS:
            NotificationPreference.objects.get_or_create(
                user_id=contact.user_id, event=event, defaults={"channel": "telegram"}
            )
    chat_say(
        chat=chat,
        text=_("Done: this chat is linked to %(name)s. Write here to open a request.")
        % {"name": contact.name},
        reply_markup={"remove_keyboard": True},
    )
    updates_release_held(chat=chat)


def _by_phone(msg: IncomingMessage) -> Contact | None:
    number = phone_normalize(msg.contact_phone, region=settings.DESKLINE_PHONE_REGION)
    if not number:
        return None
    found = list(Contact.objects.filter(phone_normalized=number, is_active=True)[:2])
    return found[0] if len(found) == 1 else None


def link_from_message(chat: TelegramChat, msg: IncomingMessage) -> LinkResult | None:
    """The outcome when `msg` is a linking message (a code or a shared contact), else None."""
    code = start_code(msg.text)
    if code:
        contact = link_code_use(code=code, chat=chat)
        if contact is None:
            chat_say(chat=chat, text=_("This link has expired or was used already. Please get "
                                       "a new one in the client portal."))  # fmt: skip
            return LinkResult(False, "link code not valid")
        chat_link(chat=chat, contact=contact, by=TelegramChat.LinkedBy.CODE)
        return LinkResult(True, f"linked to contact {contact.pk} by code")
    if code == "":  # a bare /start: greet, or ask to link
        if chat.contact is not None:
            chat_say(chat=chat, text=_("Hello! Write here to open a request."))
        else:
            chat.asked_to_link_at = None
            ask_to_link(chat)
        return LinkResult(False, "/start without a code")
    if not msg.contact_phone:
        return None
    if msg.contact_user_id is None or msg.contact_user_id != msg.from_id:
        chat_say(chat=chat, text=_("Please share your own phone number with the button."))
        return LinkResult(False, "a contact card that is not the sender's own")
    contact = _by_phone(msg)
    if contact is None:
        chat_say(chat=chat, text=_("We could not find this number among our clients. Please "
                                   "use \"Connect Telegram\" in the client portal."))  # fmt: skip
        return LinkResult(False, "shared phone number matches no single contact")
    chat_link(chat=chat, contact=contact, by=TelegramChat.LinkedBy.PHONE)
    return LinkResult(True, f"linked to contact {contact.pk} by phone number")
