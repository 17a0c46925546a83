"""Which ticket a message belongs to (pure): our Message-IDs first, then the subject token.

Plus-addressed recipients (support+1234@...) count as a token too, when they are the
mailbox's own address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from deskline.core.mailformat import address_token, subject_token

_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|vs|ответ|на|отв)\s*(\[\d+\])?\s*:\s*)+", re.I)


@dataclass(frozen=True)
class Threading:
    number: int | None
    #: "message-id", "subject" or "address" when `number` is set; "new" otherwise.
    by: str


def strip_reply_prefix(subject: str) -> str:
    return _REPLY_PREFIX.sub("", subject).strip()


def decide_thread(
    *,
    thread_ids: Sequence[str],
    known_ids: Mapping[str, int],
    subject: str,
    recipients: Sequence[str],
    mailbox_address: str,
    existing_numbers: Sequence[int] = (),
) -> Threading:
    """Message-IDs we know (ours or earlier mail of the ticket), then the tokens, else new.

    `existing_numbers` are the ticket numbers that exist among the tokens found; a token that
    names no ticket opens a new one.
    """
    for message_id in thread_ids:
        if message_id in known_ids:
            return Threading(known_ids[message_id], "message-id")
    number = address_token(recipients, mailbox_address)
    if number is not None and number in existing_numbers:
        return Threading(number, "address")
    number = subject_token(subject)
    if number is not None and number in existing_numbers:
        return Threading(number, "subject")
    return Threading(None, "new")
