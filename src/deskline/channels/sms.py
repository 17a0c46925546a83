"""Outgoing SMS through the HTTP gateway set in the admin: the notifications outbox's sender.

`SmsSender` is registered for the channel "sms" (ChannelsConfig.ready). It counts as available
only while an active gateway exists, so a preference for SMS falls back to e-mail when none is
set. It raises on every failure (unreadable number, network error, an answer the gateway's
success check refuses), and the outbox retries the row with backoff; it returns on success.
"""

from __future__ import annotations

import base64
import logging
import urllib.error
import urllib.request

from django.conf import settings

from deskline.channels.sms_models import SmsGateway
from deskline.channels.smsgateway import build_request, is_success, sms_phone, sms_text
from deskline.channels.vault import unseal
from deskline.clients.phones import phone_normalize
from deskline.core.outbound import may_send
from deskline.notifications.models import Outbox

logger = logging.getLogger(__name__)
MAX_ANSWER_BYTES = 64 * 1024


class SmsNotSent(Exception):
    """The SMS did not go out; the message says why (kept on the outbox row)."""


def gateway_active() -> SmsGateway | None:
    return SmsGateway.objects.filter(is_active=True).order_by("pk").first()


def _auth_headers(gateway: SmsGateway) -> dict[str, str]:
    headers = {}
    if gateway.basic_username:
        pair = f"{gateway.basic_username}:{unseal(gateway.basic_password)}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    if gateway.auth_header_name and gateway.auth_header_value:
        headers[gateway.auth_header_name] = unseal(gateway.auth_header_value)
    return headers


def sms_send(*, gateway: SmsGateway, phone: str, text: str) -> str:
    """Send one SMS through `gateway`; the gateway's answer, or SmsNotSent."""
    e164 = phone_normalize(phone, region=settings.DESKLINE_PHONE_REGION)
    if not e164:
        raise SmsNotSent(f"not a phone number: {phone!r}")
    request = build_request(
        method=gateway.method,
        url_template=gateway.url_template,
        body_template=gateway.body_template,
        body_type=gateway.body_type,
        phone=sms_phone(e164, gateway.phone_format),
        text=text,
    )
    headers = {"User-Agent": "Deskline SMS", **request.headers, **_auth_headers(gateway)}
    http = urllib.request.Request(  # noqa: S310 - the admin's gateway URL, http(s) by clean()
        request.url, data=request.body, headers=headers, method=request.method
    )
    try:
        with urllib.request.urlopen(http, timeout=gateway.timeout_seconds) as response:  # noqa: S310
            status, raw = response.status, response.read(MAX_ANSWER_BYTES)
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read(MAX_ANSWER_BYTES)
    except (urllib.error.URLError, OSError) as exc:
        raise SmsNotSent(f"gateway unreachable: {exc}") from exc
    answer = bytes(raw).decode("utf-8", "replace")
    if not is_success(
        status=status,
        answer=answer,
        statuses=gateway.success_statuses,
        contains=gateway.success_contains,
    ):
        raise SmsNotSent(f"gateway answered {status}: {answer[:300]}")
    return answer


class SmsSender:
    """The outbox sender for the channel "sms"."""

    def available(self) -> bool:
        return gateway_active() is not None

    def send(self, message: Outbox) -> None:
        gateway = gateway_active()
        if gateway is None:
            raise SmsNotSent("no active SMS gateway")
        text = sms_text(message.subject, message.body, gateway.max_length)
        if not may_send(channel="sms", recipient=message.recipient, body=text):
            return
        sms_send(gateway=gateway, phone=message.recipient, text=text)
