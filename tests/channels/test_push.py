"""Push intake: the HTTP endpoint, `mail_ingest` command and the SMTP listener."""

from __future__ import annotations

import io
import smtplib

import pytest
from django.core.management import call_command
from django.test import Client

from deskline.channels.models import InboundMessage, Mailbox
from deskline.channels.services import mailbox_token_create, token_digest
from deskline.tickets.models import Ticket
from tests.channels.conftest import make_raw
from tests.channels.mailservers import free_port

pytestmark = pytest.mark.django_db
URL = "/api/v1/channels/mail/inbound"


def _post(raw: bytes, token: str) -> object:
    return Client().post(URL, data=raw, content_type="message/rfc822", HTTP_X_MAILBOX_TOKEN=token)


def test_push_endpoint_takes_a_raw_message_and_answers_202(mailbox):
    token = mailbox_token_create(mailbox_id=mailbox.pk)
    response = _post(make_raw(message_id="<p@x>"), token)
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "processed" and body["summary"] == f"ticket {body['ticket_number']}"
    again = _post(make_raw(message_id="<p@x>"), token).json()
    assert again["duplicate"] and Ticket.objects.count() == 1


def test_push_token_is_stored_hashed(mailbox):
    token = mailbox_token_create(mailbox_id=mailbox.pk)
    stored = Mailbox.objects.get(pk=mailbox.pk).token_digest
    assert token not in stored and stored == token_digest(token)


def test_push_without_a_valid_token_is_refused(mailbox):
    mailbox_token_create(mailbox_id=mailbox.pk)
    response = _post(make_raw(), "mbx_wrong")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
    assert not InboundMessage.objects.exists()


def test_push_of_an_empty_body_is_a_validation_error(mailbox):
    token = mailbox_token_create(mailbox_id=mailbox.pk)
    assert _post(b"  ", token).status_code == 422


def test_ingest_command_prints_one_line_per_file(db, tmp_path):
    (tmp_path / "a.eml").write_bytes(make_raw(message_id="<a@x>"))
    (tmp_path / "b.eml").write_bytes(make_raw(message_id="<b@x>", headers={"Precedence": "bulk"}))
    out = io.StringIO()
    call_command("mail_ingest", str(tmp_path / "a.eml"), str(tmp_path / "b.eml"), stdout=out)
    number = Ticket.objects.get().number
    assert out.getvalue().splitlines() == [
        f"{tmp_path / 'a.eml'}: ticket {number}",
        f"{tmp_path / 'b.eml'}: ignored: precedence: bulk",
    ]


def test_ingest_command_fails_on_a_missing_file(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no such file"):
        call_command("mail_ingest", "/nonexistent.eml", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_smtp_listener_ingests_mail_for_our_address_and_rejects_others():
    from aiosmtpd.controller import Controller

    from deskline.channels.smtp import IntakeHandler

    Mailbox.objects.create(name="support", address="support@desk.example")
    port = free_port()
    controller = Controller(IntakeHandler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as client:
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                client.sendmail("anna@client.example", ["x@else.example"], make_raw())
            refused = client.sendmail(
                "anna@client.example", ["support+5@desk.example"], make_raw(message_id="<s@x>")
            )
        assert refused == {}
    finally:
        controller.stop()
    inbound = InboundMessage.objects.get()
    assert inbound.status == "processed" and inbound.mailbox.name == "support"
    assert Ticket.objects.count() == 1


def test_a_message_over_5_mb_within_the_mail_limit_is_taken(mailbox):
    """Issue 13 item 21: the push endpoint refused any message over Django's 5 MB."""
    token = mailbox_token_create(mailbox_id=mailbox.pk)
    big = make_raw(message_id="<big@x>", body="x" * (6 * 1024 * 1024))
    response = _post(big, token)
    assert response.status_code == 202, response.content[:200]


def test_a_message_over_the_mail_limit_is_a_413_in_the_api_error_shape(mailbox, settings):
    settings.DESKLINE_MAX_MAIL_BYTES = 1024 * 1024
    token = mailbox_token_create(mailbox_id=mailbox.pk)
    response = _post(make_raw(message_id="<huge@x>", body="x" * (2 * 1024 * 1024)), token)
    assert response.status_code == 413
    assert response.json()["error"]["fields"] == {"body": "over 1048576 bytes"}


def test_a_json_body_over_5_mb_is_a_413_in_the_api_error_shape(admin_api):
    response = admin_api.post("tickets", {"title": "x", "description": "y" * (6 * 1024 * 1024)})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
