"""How Deskline's mail names a ticket, shared by the mail it sends and the mail it reads (pure
but for the settings it reads).

- The subject token `[#1234]`.
- The reply address `support+1234.k3j9c2xq7m@example.com`: the ticket number with a signature
  made with the secret key, so a reply sent to it proves it answers mail we sent about that
  ticket. A `From:` header proves nothing; this address (or DKIM/SPF results from a trusted MTA)
  is what lets intake trust a staff member's reply by mail.
- The domain of our Message-IDs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence

from django.conf import settings

SUBJECT_TOKEN = re.compile(r"\[#(\d{1,12})\]")
SIGNATURE_LENGTH = 10


def subject_token(subject: str) -> int | None:
    found = SUBJECT_TOKEN.findall(subject)
    return int(found[-1]) if found else None


def subject_with_token(subject: str, number: int) -> str:
    """The subject of mail about ticket `number`, with its token (added in front if missing)."""
    if f"[#{number}]" in subject:
        return " ".join(subject.split())
    bare = " ".join(SUBJECT_TOKEN.sub("", subject).split())
    return f"[#{number}] {bare}".strip()


def mail_domain() -> str:
    default = str(getattr(settings, "DEFAULT_FROM_EMAIL", "") or "")
    fallback = default.rpartition("@")[2].strip("> ") or "deskline.localhost"
    return str(getattr(settings, "DESKLINE_MAIL_DOMAIN", "") or fallback)


def reply_signature(number: int) -> str:
    """A short signature of the ticket number with the secret key (lower-case base32)."""
    digest = hmac.new(
        str(settings.SECRET_KEY).encode(), f"reply-to:{number}".encode(), hashlib.sha256
    ).digest()
    return base64.b32encode(digest).decode().lower()[:SIGNATURE_LENGTH]


def reply_address(number: int | None) -> str:
    """Where replies go: the support address, plus-addressed with the ticket and its signature
    when plus addressing is enabled (`DESKLINE_MAIL_PLUS_ADDRESSING`)."""
    address = str(getattr(settings, "DESKLINE_MAIL_REPLY_TO", "") or "")
    if not address or number is None:
        return address
    if getattr(settings, "DESKLINE_MAIL_PLUS_ADDRESSING", False):
        local, _, domain = address.partition("@")
        return f"{local}+{number}.{reply_signature(number)}@{domain}"
    return address


def _plus_parts(recipients: Sequence[str], mailbox_address: str) -> list[tuple[int, str]]:
    local, _, domain = mailbox_address.lower().partition("@")
    if not local or not domain:
        return []
    pattern = re.compile(
        rf"^{re.escape(local)}\+(\d{{1,12}})(?:\.([a-z2-7]{{{SIGNATURE_LENGTH}}}))?@{re.escape(domain)}$"
    )
    found = []
    for recipient in recipients:
        match = pattern.match(recipient.strip().lower())
        if match:
            found.append((int(match.group(1)), match.group(2) or ""))
    return found


def address_token(recipients: Sequence[str], mailbox_address: str) -> int | None:
    """The ticket number in support+N@domain (signed or not) when that is our mailbox."""
    parts = _plus_parts(recipients, mailbox_address)
    return parts[0][0] if parts else None


def signed_address_token(recipients: Sequence[str], mailbox_address: str) -> int | None:
    """The ticket number of a correctly signed reply address among the recipients, or None."""
    for number, signature in _plus_parts(recipients, mailbox_address):
        if signature and hmac.compare_digest(signature, reply_signature(number)):
            return number
    return None
