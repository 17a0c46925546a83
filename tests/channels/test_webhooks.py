"""Outgoing webhooks against a local HTTP server that fails on purpose."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from deskline.channels.webhook_models import WebhookDelivery, WebhookSubscription
from deskline.channels.webhooks import SIGNATURE_HEADER, backoff, delivery_attempt, sign
from deskline.tickets.services import ticket_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _receiver_allowed(settings) -> None:
    """The local receiver is an address the installation allows (core.egress)."""
    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]


@dataclass
class Receiver:
    url: str
    fail_first: int = 0
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((dict(self.headers), body))
            failing = len(state.received) <= state.fail_first
            self.send_response(500 if failing else 204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def subscribe(url: str, **fields) -> WebhookSubscription:
    fields.setdefault("event_kinds", ["updated"])
    return WebhookSubscription.objects.create(name="crm", url=url, secret="s3cret", **fields)


def test_the_payload_is_signed_and_carries_ticket_changes_and_actor(
    receiver, make_ticket, dispatch, admin
):
    subscribe(receiver.url)
    ticket = make_ticket()
    ticket_update(actor=admin, number=ticket.number, changes={"title": "Renamed"})
    dispatch()
    delivery = WebhookDelivery.objects.get()  # "created" is not subscribed
    assert delivery_attempt(delivery.pk) == "delivered"
    headers, body = receiver.received[0]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == expected == sign("s3cret", body)
    payload = json.loads(body)
    assert payload["ticket"]["number"] == ticket.number
    assert payload["changes"] == {"title": ["Printer does not print", "Renamed"]}
    assert payload["actor"]["username"] == admin.username
    assert payload["event"]["kind"] == "updated"
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.attempts == 1


def test_failures_are_retried_with_exponential_backoff(receiver, make_ticket, dispatch, admin):
    receiver.fail_first = 2
    subscription = subscribe(receiver.url, event_kinds=[])
    make_ticket()
    dispatch()
    delivery = WebhookDelivery.objects.get(event__kind="created")
    before = timezone.now()
    assert delivery_attempt(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.last_status == 500 and delivery.attempts == 1
    assert delivery.next_attempt_at >= before + backoff(1)
    queued = DBTaskResult.objects.filter(task_path__endswith="webhook_deliver").order_by(
        "-enqueued_at"
    )
    assert queued.first().run_after == delivery.next_attempt_at
    assert delivery_attempt(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at - timezone.now() > backoff(1)
    assert delivery_attempt(delivery.pk) == "delivered"
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0
    assert len(receiver.received) == 3
    assert delivery_attempt(delivery.pk) == "skipped"  # a job that runs twice sends once


def test_a_delivery_fails_after_max_attempts(receiver, make_ticket, dispatch):
    receiver.fail_first = 100
    subscribe(receiver.url, event_kinds=["created"], max_attempts=2)
    make_ticket()
    dispatch()
    delivery = WebhookDelivery.objects.get()
    assert [delivery_attempt(delivery.pk) for _ in range(3)] == ["retry", "failed", "skipped"]


def test_repeated_failures_disable_the_subscription(receiver, make_ticket, dispatch, caplog):
    receiver.fail_first = 100
    subscription = subscribe(receiver.url, event_kinds=["created"], disable_after=3)
    for _ in range(3):
        make_ticket()
    dispatch()
    ids = list(WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True))
    results = [delivery_attempt(pk) for pk in ids]
    assert results == ["retry", "retry", "failed"]
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.disabled_at is not None
    assert "3 failed attempts" in subscription.disabled_reason
    assert "disabled after 3 failed attempts" in caplog.text
    assert set(WebhookDelivery.objects.exclude(pk=ids[-1]).values_list("state", flat=True)) == {
        "cancelled"
    }
    make_ticket()
    dispatch()
    assert WebhookDelivery.objects.count() == 3  # no new deliveries to a disabled subscription


def test_an_unreachable_server_counts_as_a_failure(make_ticket, dispatch):
    subscribe("http://127.0.0.1:9/nothing", event_kinds=["created"])
    make_ticket()
    dispatch()
    delivery = WebhookDelivery.objects.get()
    assert delivery_attempt(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.last_status is None and delivery.last_error


def test_backoff_doubles_and_is_capped():
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(30).total_seconds() == 6 * 3600


# --- the SSRF guard (core.egress) --------------------------------------------------------------


def test_an_event_webhook_to_a_host_not_allowed_is_not_called(
    receiver, make_ticket, dispatch, admin, settings
):
    subscribe(receiver.url, max_attempts=1)
    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["hooks.example.com"]  # the receiver is not
    ticket = make_ticket()
    ticket_update(actor=admin, number=ticket.number, changes={"title": "Renamed"})
    dispatch()
    delivery = WebhookDelivery.objects.get()
    assert delivery_attempt(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert "DESKLINE_OUTBOUND_ALLOWED_HOSTS" in delivery.last_error
    assert receiver.received == []


def test_an_event_webhook_to_a_metadata_address_is_not_called(
    make_ticket, dispatch, admin, settings, monkeypatch
):
    import socket

    from deskline.core import egress

    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["*.example.com"]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", 0))])  # fmt: skip
    connects: list[object] = []
    monkeypatch.setattr(egress, "_dial", lambda *a: connects.append(a))
    subscribe("http://crm.example.com/hook", max_attempts=1)
    ticket = make_ticket()
    ticket_update(actor=admin, number=ticket.number, changes={"title": "Renamed"})
    dispatch()
    assert delivery_attempt(WebhookDelivery.objects.get().pk) == "failed"
    assert "forbidden address" in WebhookDelivery.objects.get().last_error
    assert connects == []


def test_a_subscription_to_a_host_not_allowed_is_refused(settings, admin):
    from deskline.channels.webhook_config import webhook_save
    from deskline.core.errors import ValidationFailed

    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["hooks.example.com"]
    with pytest.raises(ValidationFailed) as refused:
        webhook_save(actor=admin, values={"name": "x", "url": "http://10.0.0.5/internal"})
    assert "url" in refused.value.fields
    saved = webhook_save(actor=admin, values={"name": "y", "url": "https://hooks.example.com/"})
    assert saved.pk is not None
