"""Outgoing SMS through a configurable HTTP gateway, against a local fake gateway: templates,
authentication, the success check, delivery through the outbox with retries, the preference."""

from __future__ import annotations

import base64
import http.server
import json
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from deskline.accounts.models import Role
from deskline.channels.sms import SmsNotSent, sms_send
from deskline.channels.sms_admin import SmsGatewayForm
from deskline.channels.sms_models import SmsGateway
from deskline.channels.vault import seal
from deskline.core.models import OutboundLog
from deskline.notifications.models import NotificationPreference, Outbox
from deskline.notifications.services import outbox_flush
from deskline.tickets.services import ticket_change_status, ticket_create
from tests.factories import ContactFactory, ContactUserFactory, UserFactory

pytestmark = pytest.mark.django_db


class FakeGateway:
    """Records each request; answers with `status` and `answer` (the next ones from `queue`)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status, self.answer = 200, '{"status": "OK"}'
        self.queue: list[tuple[int, str]] = []
        self.url = ""


@pytest.fixture
def gateway_server() -> Iterator[FakeGateway]:
    fake = FakeGateway()

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            fake.requests.append({"method": self.command, "path": self.path,
                                  "headers": dict(self.headers.items()),
                                  "body": self.rfile.read(length).decode()})  # fmt: skip
            status, answer = fake.queue.pop(0) if fake.queue else (fake.status, fake.answer)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(answer.encode())

        do_GET = do_POST = _answer  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


def _gateway(fake: FakeGateway, **fields: Any) -> SmsGateway:
    fields.setdefault("method", "GET")
    fields.setdefault("url_template", fake.url + "/send?to={phone}&msg={text}")
    return SmsGateway.objects.create(name="gw", **fields)


def test_get_gateway_gets_the_url_with_number_and_text_encoded(gateway_server):
    gateway = _gateway(gateway_server, phone_format="digits")
    sms_send(gateway=gateway, phone="8 (912) 345-67-89", text="Ticket #12 & more: готово")
    (request,) = gateway_server.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
    assert request["method"] == "GET"
    assert query == {"to": ["79123456789"], "msg": ["Ticket #12 & more: готово"]}


def test_post_json_gateway_escapes_the_text_and_sends_both_kinds_of_auth(gateway_server):
    gateway = _gateway(
        gateway_server, method="POST", url_template=gateway_server.url + "/api/sms",
        body_template='{"to": "{phone}", "text": "{text}"}', body_type="json",
        auth_header_name="X-Api-Key", auth_header_value=seal("k-123"),
        basic_username="desk", basic_password=seal("s3cret"),
    )  # fmt: skip
    sms_send(gateway=gateway, phone="+79123456789", text='He said "hi"\nbye')
    (request,) = gateway_server.requests
    assert json.loads(request["body"]) == {"to": "+79123456789", "text": 'He said "hi"\nbye'}
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["X-Api-Key"] == "k-123"
    assert (
        request["headers"]["Authorization"] == "Basic " + base64.b64encode(b"desk:s3cret").decode()
    )


def test_post_form_gateway_sends_a_form_body(gateway_server):
    gateway = _gateway(gateway_server, method="POST", url_template=gateway_server.url + "/sms",
                       body_template="to={phone}&msg={text}", body_type="form")  # fmt: skip
    sms_send(gateway=gateway, phone="+79123456789", text="a&b=c")
    body = urllib.parse.parse_qs(gateway_server.requests[0]["body"])
    assert body == {"to": ["+79123456789"], "msg": ["a&b=c"]}


def test_a_refusing_status_or_a_missing_success_text_is_not_sent(gateway_server):
    gateway = _gateway(gateway_server, success_contains='"status": "OK"')
    gateway_server.queue = [(503, "busy"), (200, '{"status": "ERROR", "code": 7}')]
    with pytest.raises(SmsNotSent, match="503"):
        sms_send(gateway=gateway, phone="+79123456789", text="x")
    with pytest.raises(SmsNotSent, match="ERROR"):
        sms_send(gateway=gateway, phone="+79123456789", text="x")


def test_an_unreadable_number_or_an_unreachable_gateway_is_not_sent(gateway_server):
    with pytest.raises(SmsNotSent, match="not a phone number"):
        sms_send(gateway=_gateway(gateway_server), phone="12", text="x")
    dead = SmsGateway.objects.create(name="dead", method="GET",
                                     url_template="http://127.0.0.1:9/send?to={phone}")  # fmt: skip
    with pytest.raises(SmsNotSent, match="unreachable"):
        sms_send(gateway=dead, phone="+79123456789", text="x")


@pytest.fixture
def sms_contact(db: None) -> Any:
    contact = ContactFactory(name="Anna", phone="8 912 345 67 89", email="anna@client.example")
    user = ContactUserFactory(username="anna", email=contact.email, contact=contact)
    NotificationPreference.objects.create(user=user, event="status_changed", channel="sms")
    return contact


def _status_change(contact: Any, dispatch: Any) -> None:
    admin = UserFactory(role=Role.ADMIN)
    ticket = ticket_create(actor=admin, title="Printer", contact_id=contact.pk)
    ticket_change_status(actor=admin, number=ticket.number, status_code="in_progress")
    dispatch()


def test_a_contact_preferring_sms_gets_the_notification_by_sms_through_the_outbox(
    gateway_server, sms_contact, dispatch
):
    _gateway(gateway_server)
    _status_change(sms_contact, dispatch)
    row = Outbox.objects.get(event="status_changed")
    assert (row.channel, row.recipient) == ("sms", "+79123456789")
    outbox_flush()
    row.refresh_from_db()
    assert row.status == "sent"
    (request,) = [r for r in gateway_server.requests if "79123456789" in r["path"]]
    text = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)["msg"][0]
    assert f"#{row.ticket.number}" in text


def test_a_failed_sms_is_retried_by_the_outbox_until_the_gateway_takes_it(
    gateway_server, sms_contact, dispatch
):
    _gateway(gateway_server)
    gateway_server.queue = [(500, "oops")]
    _status_change(sms_contact, dispatch)
    outbox_flush()
    row = Outbox.objects.get(event="status_changed")
    assert row.status == "queued" and "500" in row.last_error and row.attempts == 1
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    outbox_flush()
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2


def test_without_an_active_gateway_the_sms_preference_falls_back_to_email(
    gateway_server, sms_contact, dispatch
):
    _gateway(gateway_server, is_active=False)
    _status_change(sms_contact, dispatch)
    row = Outbox.objects.get(event="status_changed")
    assert (row.channel, row.recipient) == ("email", "anna@client.example")


def test_the_sms_preference_may_be_chosen_once_a_gateway_is_set(gateway_server, api_for, agent):
    body = {"event": "ticket_assigned", "channel": "sms"}
    assert api_for(agent).put("notifications/preferences", body).status_code == 422
    _gateway(gateway_server)
    assert api_for(agent).put("notifications/preferences", body).status_code == 200


def test_in_a_sandbox_the_sms_is_logged_not_sent(gateway_server, sms_contact, dispatch, settings):
    settings.DESKLINE_SANDBOX = True
    _gateway(gateway_server)
    _status_change(sms_contact, dispatch)
    outbox_flush()
    assert not gateway_server.requests
    assert OutboundLog.objects.filter(channel="sms", recipient="+79123456789").exists()


def test_the_admin_form_seals_the_secrets_and_never_shows_them(gateway_server):
    data = {"name": "gw", "is_active": "on", "method": "POST", "body_type": "json",
            "url_template": gateway_server.url + "/sms", "body_template": '{"to": "{phone}"}',
            "phone_format": "e164", "auth_header_name": "Authorization",
            "auth_header_value": "Bearer abc", "success_statuses": "200-299", "max_length": 480,
            "timeout_seconds": 10}  # fmt: skip
    form = SmsGatewayForm(data=data)
    assert form.is_valid(), form.errors
    gateway = form.save()
    assert (
        gateway.auth_header_value.startswith("fernet:") and "abc" not in gateway.auth_header_value
    )
    again = SmsGatewayForm(data={**data, "auth_header_value": ""}, instance=gateway)
    assert again.is_valid() and again.save().auth_header_value == gateway.auth_header_value
    assert "abc" not in str(SmsGatewayForm(instance=gateway))


def test_the_admin_form_refuses_a_url_without_the_number(gateway_server):
    data = {"name": "gw", "method": "GET", "body_type": "form", "phone_format": "e164",
            "url_template": "ftp://sms.example/send", "success_statuses": "2xx",
            "max_length": 480, "timeout_seconds": 10}  # fmt: skip
    form = SmsGatewayForm(data=data)
    assert not form.is_valid()
    assert {"url_template", "success_statuses"} <= set(form.errors)
