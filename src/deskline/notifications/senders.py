"""Senders deliver one outbox row over one channel; email now, Telegram and SMS plug in later.

A sender raises on failure (the send job retries with backoff) and returns on success.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from deskline.core.outbound import may_send
from deskline.notifications.models import Outbox

if TYPE_CHECKING:
    from deskline.accounts.models import User
    from deskline.clients.models import Contact

#: (user, contact) -> the address on a channel whose addresses another app keeps.
AddressOf = Callable[["User | None", "Contact | None"], str]


class Sender(Protocol):
    def send(self, message: Outbox) -> None: ...


class EmailSender:
    """Sends through Django's mail backend (EMAIL_HOST, EMAIL_PORT, ... in settings)."""

    def send(self, message: Outbox) -> None:
        if not may_send(
            channel="email", recipient=message.recipient, subject=message.subject, body=message.body
        ):
            return
        headers = {str(k): str(v) for k, v in message.headers.items()}
        reply_to = headers.pop("Reply-To", "")
        headers["Message-ID"] = f"<{message.message_id}>"
        mail = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
            to=[message.recipient],
            reply_to=[reply_to] if reply_to else None,
            headers=headers,
            # A hung mail server must not hold a worker forever.
            connection=get_connection(
                fail_silently=False, timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 30
            ),
        )
        mail.send(fail_silently=False)


_senders: dict[str, Sender] = {"email": EmailSender()}


def register_sender(channel: str, sender: Sender) -> None:
    """Plug a sender in for a channel (Telegram, SMS, or a fake in tests)."""
    _senders[channel] = sender


def channels_available() -> list[str]:
    """The channels a notification can go out by in this installation (email always); a sender
    with an `available()` method counts only while it says so (an SMS gateway is set, a Telegram
    bot is on)."""
    return sorted(c for c, s in _senders.items() if getattr(s, "available", lambda: True)())


def sender_for(channel: str) -> Sender:
    try:
        return _senders[channel]
    except KeyError:
        raise LookupError(f"no sender for channel {channel!r}") from None


_addresses: dict[str, AddressOf] = {}


def register_address(channel: str, address_of: AddressOf) -> None:
    """Plug in where a channel's address comes from (Telegram: the contact's linked chat)."""
    _addresses[channel] = address_of


def address_for(channel: str, user: User | None, contact: Contact | None) -> str | None:
    """The registered address of the person on the channel; None when no app registered one."""
    found = _addresses.get(channel)
    return None if found is None else found(user, contact)
