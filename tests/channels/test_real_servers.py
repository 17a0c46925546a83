"""End to end with real servers: Dovecot (IMAP) in, aiosmtpd (SMTP) out, a reply threads back."""

from __future__ import annotations

import datetime as dt
import imaplib

import pytest
from django.utils import timezone

from deskline.channels.imap import mailbox_poll
from deskline.channels.models import InboundMessage, Mailbox
from deskline.channels.vault import seal
from deskline.tickets.models import Comment, Ticket
from tests.channels.conftest import make_raw

pytestmark = pytest.mark.django_db


@pytest.fixture
def imap_mailbox(dovecot_server):
    return Mailbox.objects.create(
        name="imap",
        address="support@desk.example",
        imap_host=dovecot_server.host,
        imap_port=dovecot_server.port,
        imap_security=Mailbox.Security.NONE,
        imap_username=dovecot_server.user,
        imap_password=seal(dovecot_server.password),
        since=timezone.now() - dt.timedelta(days=1),
    )


def _seen_flags(server, uid: int) -> bytes:
    client = imaplib.IMAP4(server.host, server.port)
    client.login(server.user, server.password)
    client.select("INBOX")
    _, data = client.uid("FETCH", str(uid), "(FLAGS)")
    client.logout()
    return data[0]


def test_mail_polled_from_dovecot_becomes_a_ticket_ack_arrives_and_a_reply_threads_back(
    dovecot_server, imap_mailbox, smtp_sink, jobs
):
    dovecot_server.deliver(make_raw(message_id="<first@client.example>"), "1.eml")
    polled = mailbox_poll(mailbox_id=imap_mailbox.pk)
    assert polled.error == "" and polled.fetched == 1
    ticket = Ticket.objects.get()
    assert ticket.contact.email == "anna@client.example"
    assert b"\\Seen" in _seen_flags(dovecot_server, 1)

    assert jobs() == {"sent": 1}
    (ack,) = smtp_sink.messages
    assert ack["To"] == "anna@client.example"
    assert ack["Subject"].startswith(f"[#{ticket.number}]")
    assert ack["In-Reply-To"] == "<first@client.example>"
    assert "<first@client.example>" in ack["References"]
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["Reply-To"] == "support@desk.example"
    assert ack["Message-ID"].strip("<>") and f"#{ticket.number}" in ack.get_content()

    reply = make_raw(
        subject=f"Re: {ack['Subject']}",
        body="Still broken.\n\nOn Tue, Support wrote:\n> We have received your request",
        headers={"In-Reply-To": ack["Message-ID"], "References": ack["Message-ID"]},
    )
    dovecot_server.deliver(reply, "2.eml")
    assert mailbox_poll(mailbox_id=imap_mailbox.pk).fetched == 1
    assert Ticket.objects.count() == 1
    comment = Comment.objects.get(ticket=ticket)
    assert "Still broken" in comment.body and "received your request" not in comment.body


def test_first_connection_without_since_date_imports_no_old_mail(dovecot_server, imap_mailbox):
    imap_mailbox.since = None
    imap_mailbox.save()
    dovecot_server.deliver(make_raw(subject="old"), "old.eml")
    assert mailbox_poll(mailbox_id=imap_mailbox.pk).fetched == 0
    dovecot_server.deliver(make_raw(subject="new"), "new.eml")
    assert mailbox_poll(mailbox_id=imap_mailbox.pk).fetched == 1
    assert list(Ticket.objects.values_list("title", flat=True)) == ["new"]


def test_a_message_polled_again_after_a_crash_is_not_duplicated(dovecot_server, imap_mailbox):
    dovecot_server.deliver(make_raw(), "1.eml")
    mailbox_poll(mailbox_id=imap_mailbox.pk)
    # As if the worker died after the commit but before recording the UID.
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(last_uid=0)
    assert mailbox_poll(mailbox_id=imap_mailbox.pk).results[0].duplicate
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_processed_mail_can_be_moved_to_a_folder(dovecot_server, imap_mailbox):
    client = imaplib.IMAP4(dovecot_server.host, dovecot_server.port)
    client.login(dovecot_server.user, dovecot_server.password)
    client.create("Processed")
    client.logout()
    imap_mailbox.imap_move_to = "Processed"
    imap_mailbox.save()
    dovecot_server.deliver(make_raw(), "1.eml")
    assert mailbox_poll(mailbox_id=imap_mailbox.pk).fetched == 1
    client = imaplib.IMAP4(dovecot_server.host, dovecot_server.port)
    client.login(dovecot_server.user, dovecot_server.password)
    counts = [client.select(folder)[1][0] for folder in ("INBOX", "Processed")]
    client.logout()
    assert counts == [b"0", b"1"]


def test_wrong_password_is_recorded_on_the_mailbox(dovecot_server, imap_mailbox):
    imap_mailbox.imap_password = seal("nope")
    imap_mailbox.save()
    result = mailbox_poll(mailbox_id=imap_mailbox.pk)
    assert result.error.startswith(f"password login refused for {dovecot_server.user}")
    assert Mailbox.objects.get(pk=imap_mailbox.pk).last_error == result.error
