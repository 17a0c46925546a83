"""Mail intake through `mail_ingest`: tickets, comments, ignored and quarantined mail."""

from __future__ import annotations

import pytest

from deskline.channels.models import InboundMessage, Mailbox
from deskline.channels.services import inbound_retry, mail_ingest
from deskline.clients.models import Contact
from deskline.notifications.models import Outbox
from deskline.tickets.models import Attachment, Comment, Ticket
from tests.channels.conftest import make_raw
from tests.factories import CompanyFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_new_mail_opens_a_ticket_for_a_new_contact_of_the_domain_company(mailbox):
    company = CompanyFactory(email_domains="client.example")
    result = mail_ingest(mailbox=mailbox, raw=make_raw())
    ticket = Ticket.objects.get(number=result.ticket_number)
    assert result.summary == f"ticket {ticket.number}"
    assert ticket.channel == "email" and ticket.title == "Printer does not print"
    assert "2nd floor" in ticket.description
    contact = Contact.objects.get(email="anna@client.example")
    assert ticket.contact == contact and contact.company == company == ticket.company
    assert contact.name == "Anna Petrova"


def test_known_contact_is_matched_case_insensitively(mailbox):
    contact = ContactFactory(email="Anna@Client.Example")
    result = mail_ingest(mailbox=mailbox, raw=make_raw())
    assert Ticket.objects.get(number=result.ticket_number).contact == contact
    assert Contact.objects.count() == 1


def test_the_same_message_twice_makes_one_ticket(mailbox):
    raw = make_raw(message_id="<once@client.example>")
    first, second = mail_ingest(mailbox=mailbox, raw=raw), mail_ingest(mailbox=mailbox, raw=raw)
    assert second.duplicate and second.ticket_number == first.ticket_number
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_mail_without_message_id_is_keyed_by_its_hash(mailbox):
    raw = make_raw().replace(b"Message-ID:", b"X-Old-ID:")
    mail_ingest(mailbox=mailbox, raw=raw)
    mail_ingest(mailbox=mailbox, raw=raw)
    assert InboundMessage.objects.get().message_key.startswith("sha256:")
    assert Ticket.objects.count() == 1


def test_reply_with_subject_token_from_the_contact_becomes_a_comment(mailbox):
    first = mail_ingest(mailbox=mailbox, raw=make_raw())
    body = "It works now, thanks!\n\nOn Mon, Support wrote:\n> Please restart it."
    reply = make_raw(subject=f"Re: [#{first.ticket_number}] Printer", body=body)
    result = mail_ingest(mailbox=mailbox, raw=reply)
    assert result.summary == f"comment on {first.ticket_number}"
    comment = Comment.objects.get(pk=result.comment_id)
    assert "It works now" in comment.body and "restart" not in comment.body
    assert comment.author_contact.email == "anna@client.example" and comment.channel == "email"


def test_subject_token_from_a_stranger_opens_a_new_ticket(mailbox):
    first = mail_ingest(mailbox=mailbox, raw=make_raw())
    raw = make_raw(sender="eve@other.example", subject=f"Re: [#{first.ticket_number}] hi")
    assert mail_ingest(mailbox=mailbox, raw=raw).summary.startswith("ticket ")
    assert Ticket.objects.count() == 2


def test_reply_to_our_notification_threads_by_message_id(mailbox, jobs):
    first = mail_ingest(mailbox=mailbox, raw=make_raw())
    jobs()
    ack = Outbox.objects.get(event="ticket_created")
    raw = make_raw(subject="Re: something else", headers={"In-Reply-To": f"<{ack.message_id}>"})
    assert mail_ingest(mailbox=mailbox, raw=raw).summary == f"comment on {first.ticket_number}"


def _agent_reply(mailbox, jobs, *, signed=False, headers=None):  # type: ignore[no-untyped-def]
    from deskline.core.mailformat import reply_address

    agent = UserFactory(email="ivan@desk.example", role="admin")
    first = mail_ingest(mailbox=mailbox, raw=make_raw())
    # Ticket numbers come from a sequence PostgreSQL does not rewind between tests.
    to = reply_address(first.ticket_number) if signed else "support@desk.example"
    jobs()
    ack = Outbox.objects.get(event="ticket_created")
    raw = make_raw(
        sender="Ivan <IVAN@desk.example>", to=to, subject=f"Re: [#{first.ticket_number}]",
        body="Please restart the printer.\n-- \nIvan",
        headers={"References": f"<{ack.message_id}>", **(headers or {})},
    )  # fmt: skip
    result = mail_ingest(mailbox=mailbox, raw=raw)
    return agent, first, Comment.objects.get(pk=result.comment_id)


def test_agent_reply_to_the_signed_reply_address_is_a_public_comment_by_that_agent(
    mailbox, jobs, settings
):
    settings.DESKLINE_MAIL_REPLY_TO, settings.DESKLINE_MAIL_PLUS_ADDRESSING = (
        "support@desk.example", True,
    )  # fmt: skip
    agent, first, comment = _agent_reply(mailbox, jobs, signed=True)
    assert comment.ticket.number == first.ticket_number
    assert comment.author == agent and comment.is_public and "Ivan" not in comment.body
    jobs()
    relayed = Outbox.objects.get(event="agent_replied")
    assert relayed.recipient == "anna@client.example" and "restart" in relayed.body


def test_agent_reply_proven_by_the_trusted_mail_servers_dkim_pass_is_public(
    mailbox, jobs, settings
):
    settings.DESKLINE_MAIL_TRUSTED_AUTHSERV_IDS = ["mx.desk.example"]
    results = "mx.desk.example; dkim=pass header.d=desk.example header.s=s1; spf=none"
    agent, _, comment = _agent_reply(mailbox, jobs, headers={"Authentication-Results": results})
    assert comment.author == agent and comment.is_public and comment.sender_verified


def test_a_forged_agent_from_becomes_an_internal_unverified_note_and_mails_no_client(
    mailbox, jobs, settings
):
    """Issue 13 item 4: From: an agent's address posted a public comment as that agent."""
    settings.DESKLINE_MAIL_TRUSTED_AUTHSERV_IDS = ["mx.desk.example"]
    forged = "evil.example; dkim=pass header.d=desk.example"  # not our server's header
    agent, _, comment = _agent_reply(mailbox, jobs, headers={"Authentication-Results": forged})
    assert comment.author is None and not comment.is_public and not comment.sender_verified
    assert "unverified sender" in comment.body
    jobs()
    assert not Outbox.objects.filter(event="agent_replied").exists()


def test_a_client_writing_about_another_companys_ticket_is_unverified(mailbox, jobs):
    first = mail_ingest(mailbox=mailbox, raw=make_raw()).ticket_number
    jobs()
    ack = Outbox.objects.get(event="ticket_created")
    ContactFactory(email="eve@other.example")
    raw = make_raw(sender="eve@other.example", subject="Re: printer",
                   headers={"References": f"<{ack.message_id}>"})  # fmt: skip
    result = mail_ingest(mailbox=mailbox, raw=raw)
    comment = Comment.objects.get(pk=result.comment_id)
    assert comment.ticket.number == first and not comment.is_public
    assert not comment.sender_verified


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"X-Autoreply": "yes"},
        {"Precedence": "bulk"},
        {"List-Id": "<news.example>"},
    ],
)
def test_automatic_mail_is_ignored_and_never_answered(mailbox, jobs, headers):
    result = mail_ingest(mailbox=mailbox, raw=make_raw(headers=headers))
    jobs()
    assert result.status == "ignored" and result.reason
    assert not Ticket.objects.exists() and not Outbox.objects.exists()


def test_bounce_from_mailer_daemon_is_ignored(mailbox):
    raw = make_raw(sender="MAILER-DAEMON@mx.example", subject="Undelivered Mail")
    assert mail_ingest(mailbox=mailbox, raw=raw).summary.startswith("ignored: ")


def test_unknown_sender_is_refused_politely_when_the_mailbox_says_so(mailbox, jobs):
    mailbox.unknown_senders = Mailbox.UnknownSenders.REFUSE
    mailbox.save()
    result = mail_ingest(mailbox=mailbox, raw=make_raw(message_id="<q@client.example>"))
    jobs()
    assert result.status == "ignored" and "refused" in result.reason
    assert not Ticket.objects.exists() and not Contact.objects.exists()
    reply = Outbox.objects.get(event="sender_refused")
    assert reply.recipient == "anna@client.example" and reply.status == "sent"
    assert reply.headers["Auto-Submitted"] == "auto-replied"
    assert reply.headers["In-Reply-To"] == "<q@client.example>"


def test_a_flooding_sender_is_rate_limited(mailbox):
    mailbox.rate_limit = 3
    mailbox.save()
    outcomes = [
        mail_ingest(mailbox=mailbox, raw=make_raw(subject=f"n{i}")).status for i in range(5)
    ]
    assert outcomes == ["processed"] * 3 + ["quarantined"] * 2
    assert InboundMessage.objects.filter(reason__startswith="rate limited").count() == 2


def test_a_failure_quarantines_the_message_with_its_reason_and_retry_works(mailbox, monkeypatch):
    from deskline.channels import services

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(services, "ticket_create", broken)
    result = mail_ingest(mailbox=mailbox, raw=make_raw())
    assert result.summary == "quarantined: RuntimeError: database hiccup"
    assert InboundMessage.objects.get().raw  # the raw message is kept
    monkeypatch.undo()
    retried = inbound_retry(inbound_id=result.inbound_id)
    assert retried.summary.startswith("ticket ") and Ticket.objects.count() == 1


def test_html_only_mail_becomes_sanitised_html(mailbox):
    raw = (
        b"From: anna@client.example\r\nSubject: html\r\nMessage-ID: <h@x>\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Hello <b>desk</b></p><script>alert(1)</script><img src=x onerror=alert(2)>"
    )
    ticket = Ticket.objects.get(number=mail_ingest(mailbox=mailbox, raw=raw).ticket_number)
    assert "<b>desk</b>" in ticket.description
    assert "script" not in ticket.description and "onerror" not in ticket.description


def test_attachments_are_stored_and_refused_types_noted(mailbox):
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["Subject"], msg["Message-ID"] = "anna@client.example", "files", "<f@x>"
    msg.set_content("see attached")
    msg.add_attachment(b"%PDF-1.4 report", maintype="application", subtype="pdf", filename="r.pdf")
    msg.add_attachment(
        b"MZ\x90\x00", maintype="application", subtype="octet-stream", filename="x.exe"
    )
    result = mail_ingest(mailbox=mailbox, raw=msg.as_bytes())
    assert result.status == "processed" and "x.exe" in result.reason
    assert list(Attachment.objects.values_list("filename", flat=True)) == ["r.pdf"]


def test_mail_left_unprocessed_by_a_dead_worker_is_picked_up(mailbox):
    import datetime as dt

    from django.utils import timezone

    from deskline.channels.services import inbound_process_pending, inbound_store

    inbound, _ = inbound_store(mailbox=mailbox, raw=make_raw())
    InboundMessage.objects.filter(pk=inbound.pk).update(
        received_at=timezone.now() - dt.timedelta(minutes=10)
    )
    assert inbound_process_pending() == 1
    assert InboundMessage.objects.get(pk=inbound.pk).status == "processed"
    assert Ticket.objects.count() == 1
