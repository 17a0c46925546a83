"""The one gate every outbound message passes: mail, Telegram, SMS, webhooks, bot calls.

In a sandbox (`DESKLINE_SANDBOX=true`) nothing leaves the machine: `may_send` records the
message in `OutboundLog` (which the sandbox shows) and answers False, and the sender reports
success without sending. Every sender calls it right before the network call.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from deskline.core.models import OutboundLog


def sandboxed() -> bool:
    return bool(getattr(settings, "DESKLINE_SANDBOX", False))


def may_send(*, channel: str, recipient: str, subject: str = "", body: str = "") -> bool:
    """True if the message may really be sent; in a sandbox it is logged instead."""
    if not sandboxed():
        return True
    OutboundLog.objects.create(
        channel=channel[:16],
        recipient=recipient[:500],
        subject=subject[:500],
        body=body[:20000],
        created_at=timezone.now(),
    )
    return False
