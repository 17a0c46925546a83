"""REST endpoint for telephony: one URL and one secret per PBX (phone source)."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Router, Schema, Status

from deskline.channels import phone_selectors
from deskline.channels.api import MailboxAuthFailed
from deskline.channels.api_alerts import request_token
from deskline.channels.phone import phone_ingest
from deskline.channels.services import token_digest
from deskline.core.errors import ValidationFailed

router = Router(tags=["channels"])
MAX_EVENT_BYTES = 256 * 1024


class CallIntakeOut(Schema):
    event_id: int
    status: str
    reason: str
    duplicate: bool
    calls: list[str]


@router.post("/phone/{source}", auth=None, response={202: CallIntakeOut})
def phone_inbound(request: HttpRequest, source: str) -> Status[dict[str, object]]:
    """Take one call event (or `{"events": [...]}`) from the PBX of the phone source `source`.

    The source's secret goes in `Authorization: Bearer <secret>` or in `X-Deskline-Token`.
    The body is the generic call event JSON (`call_id`, `event`: started, answered or ended,
    `direction`, `from`, `to`, `extension`, `recording_url`, `timestamp`) or, for an Asterisk
    source, one ARI event as the `/ari/events` WebSocket sends it. A redelivered body answers
    `duplicate: true` and changes nothing; one that cannot be read is quarantined (202 with
    `status: quarantined` and the reason) and can be retried from the admin.
    """
    token = request_token(request, "X-Deskline-Token")
    found = phone_selectors.source_for_token(
        name=source, digest=token_digest(token) if token else ""
    )
    if found is None:
        raise MailboxAuthFailed("a valid secret for this phone source is required")
    body = request.body
    if not body.strip():
        raise ValidationFailed("the body must be the call event JSON", fields={"body": "empty"})
    if len(body) > MAX_EVENT_BYTES:
        raise ValidationFailed("the event is too large", fields={"body": "over 256 KiB"})
    outcome = phone_ingest(source=found, body=body)
    return Status(202, asdict(outcome))
