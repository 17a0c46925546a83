"""An SMTP listener (aiosmtpd) that feeds received mail into the same intake.

Recipients must be one of our mailboxes' addresses (plus-addressing allowed) unless a default
mailbox is given, so the listener is never an open sink for arbitrary domains.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from django.db import close_old_connections

from deskline.channels.models import Mailbox
from deskline.channels.services import mail_ingest

logger = logging.getLogger(__name__)


def _base_address(address: str) -> str:
    local, _, domain = address.lower().partition("@")
    return f"{local.partition('+')[0]}@{domain}"


def mailbox_for_recipient(address: str, default: Mailbox | None) -> Mailbox | None:
    found = Mailbox.objects.filter(address__iexact=_base_address(address), is_active=True).first()
    return found or default


def _ingest(mailbox_ids: list[int], raw: bytes) -> list[str]:
    close_old_connections()
    try:
        summaries = []
        for mailbox in Mailbox.objects.filter(pk__in=mailbox_ids):
            summaries.append(mail_ingest(mailbox=mailbox, raw=raw).summary)
        return summaries
    finally:
        close_old_connections()


def _lookup(address: str, default_id: int | None) -> int | None:
    close_old_connections()
    default = Mailbox.objects.filter(pk=default_id).first() if default_id else None
    mailbox = mailbox_for_recipient(address, default)
    return mailbox.pk if mailbox else None


class IntakeHandler:
    """aiosmtpd handler: accept our recipients, ingest the message, answer 250 once stored."""

    def __init__(self, default_mailbox_id: int | None = None) -> None:
        self.default_mailbox_id = default_mailbox_id

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        loop = asyncio.get_running_loop()
        mailbox_id = await loop.run_in_executor(None, _lookup, address, self.default_mailbox_id)
        if mailbox_id is None:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        envelope.__dict__.setdefault("mailbox_ids", set()).add(mailbox_id)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        mailbox_ids = sorted(envelope.__dict__.get("mailbox_ids", set()))
        loop = asyncio.get_running_loop()
        try:
            summaries = await loop.run_in_executor(None, _ingest, mailbox_ids, raw)
        except Exception:
            logger.exception("smtp intake failed")
            return "451 4.3.0 temporary failure, try again later"
        return f"250 2.0.0 {'; '.join(summaries)[:400]}"
