"""REST endpoint for monitoring systems: one URL and one secret per alert source."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Router, Schema, Status

from deskline.channels import alert_selectors
from deskline.channels.alerts import alert_ingest
from deskline.channels.api import MailboxAuthFailed
from deskline.channels.services import token_digest
from deskline.core.errors import ValidationFailed

router = Router(tags=["channels"])


class AlertIntakeOut(Schema):
    payload_id: int
    status: str
    reason: str
    duplicate: bool
    actions: dict[str, int]
    opened: list[int]


def request_token(request: HttpRequest, header: str) -> str:
    """The secret from `Authorization: Bearer ...` or from the named header."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get(header, "").strip()


@router.post("/alerts/{source}", auth=None, response={202: AlertIntakeOut})
def alerts_inbound(request: HttpRequest, source: str) -> Status[dict[str, object]]:
    """Take one notification from the monitoring system of the alert source `source`.

    The source's secret goes in `Authorization: Bearer <secret>` (Alertmanager's and Grafana's
    webhook authorization) or in `X-Deskline-Token`. The body is the system's own JSON.
    A redelivered body answers `duplicate: true` and only counts as a repeat firing.
    """
    token = request_token(request, "X-Deskline-Token")
    found = alert_selectors.source_for_token(
        name=source, digest=token_digest(token) if token else ""
    )
    if found is None:
        raise MailboxAuthFailed("a valid secret for this alert source is required")
    body = request.body
    if not body.strip():
        raise ValidationFailed("the body must be the alert JSON", fields={"body": "empty"})
    outcome = alert_ingest(source=found, body=body)
    return Status(202, asdict(outcome))
