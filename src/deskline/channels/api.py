"""REST endpoints of the channels app: push intake of raw RFC 822 mail."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status

from deskline.channels import selectors
from deskline.channels.services import mail_ingest, token_digest
from deskline.core.errors import DomainError, ValidationFailed

router = Router(tags=["channels"])


class MailboxAuthFailed(DomainError):
    code = "unauthorized"
    status = 401


class IntakeOut(Schema):
    status: str
    summary: str
    reason: str
    ticket_number: int | None
    comment_id: int | None
    duplicate: bool


@router.post("/mail/inbound", auth=None, response={202: IntakeOut})
def mail_inbound(request: HttpRequest) -> Status[dict[str, object]]:
    """Take one raw RFC 822 message (the request body) for the mailbox of the token.

    The token goes in the `X-Mailbox-Token` header. The answer is 202 with the outcome; a
    retry of the same message returns the first outcome with `duplicate: true`.
    """
    token = request.headers.get("X-Mailbox-Token", "")
    mailbox = selectors.mailbox_by_token_digest(token_digest(token) if token else "")
    if mailbox is None:
        raise MailboxAuthFailed("a valid X-Mailbox-Token header is required")
    raw = request.body
    limit = settings.DESKLINE_MAX_MAIL_BYTES
    if not raw.strip():
        raise ValidationFailed("the body must be a raw RFC 822 message", fields={"body": "empty"})
    if len(raw) > limit:
        raise ValidationFailed("the message is too large", fields={"body": f"over {limit} bytes"})
    result = mail_ingest(mailbox=mailbox, raw=raw)
    return Status(
        202,
        {
            "status": result.status,
            "summary": result.summary,
            "reason": result.reason,
            "ticket_number": result.ticket_number,
            "comment_id": result.comment_id,
            "duplicate": result.duplicate,
        },
    )
