"""Inline images (Content-ID): `cid:` links point at the stored attachments, in tickets and replies."""

from __future__ import annotations

import struct
import zlib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.test import Client

from deskline.channels.inline import cid_references, link_cids, own_cid_references
from deskline.channels.services import mail_ingest
from deskline.tickets.models import Attachment, Comment, Ticket
from tests.factories import ContactUserFactory


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _html_mail(html: str, *, subject: str = "Screen is black", cids=("shot@client.example",)):
    msg = EmailMessage()
    msg["From"], msg["To"] = "Anna Petrova <anna@client.example>", "support@desk.example"
    msg["Subject"], msg["Message-ID"] = subject, make_msgid(domain="client.example")
    msg.set_content("See the picture below.")
    msg.add_alternative(html, subtype="html")
    for cid in cids:
        msg.get_payload()[1].add_related(
            _png(), "image", "png", cid=f"<{cid}>", filename=f"{cid[:4]}.png", disposition="inline"
        )
    return msg.as_bytes()


def _url(attachment: Attachment) -> str:
    return f"/api/v1/tickets/{attachment.ticket.number}/attachments/{attachment.pk}/download"


def test_cid_references_are_listed_once_each_in_order():
    markup = '<img src="cid:b@x"><img src="cid:a@x"><a href="cid:b@x">b</a>'
    assert cid_references(markup) == ["b@x", "a@x"]


def test_link_cids_replaces_known_ids_and_leaves_unknown_ones():
    markup = '<img src="cid:a%40x"><img src="cid:unknown@x">'
    linked = link_cids(markup, {"a@x": "/files/1?x=1&y=2"})
    assert linked == '<img src="/files/1?x=1&amp;y=2"><img src="cid:unknown@x">'


def test_own_images_leave_out_those_in_a_quoted_message():
    markup = (
        '<p>New one: <img src="cid:new@x"><p>unclosed'
        '<blockquote><img src="cid:quoted@x"></blockquote>'
        '<div class="gmail_quote"><img src="CID:gmail@x"></div>'
        '<img src="cid:after@x">'
        '<div id="divRplyFwdMsg">From: Support</div><img src="cid:outlook@x">'
    )
    assert own_cid_references(markup) == ["new@x", "after@x"]


@pytest.mark.django_db
def test_an_inline_image_in_a_new_ticket_points_at_its_stored_attachment(mailbox):
    html = '<p>It looks like this:</p><p><img src="cid:shot@client.example" alt="s"></p>'
    result = mail_ingest(mailbox=mailbox, raw=_html_mail(html))
    ticket = Ticket.objects.get(number=result.ticket_number)
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.filename == "shot.png"
    assert f'<img src="{_url(attachment)}" alt="s">' in ticket.description
    assert "cid:" not in ticket.description and "It looks like this" in ticket.description


@pytest.mark.django_db
def test_the_inline_image_url_serves_the_picture_to_the_requester_in_the_browser(mailbox):
    requester = ContactUserFactory(username="anna", email="anna@client.example")
    html = '<p><img src="cid:shot@client.example"></p>'
    result = mail_ingest(mailbox=mailbox, raw=_html_mail(html))
    attachment = Attachment.objects.get(ticket__number=result.ticket_number)
    browser = Client()
    browser.force_login(requester)
    response = browser.get(_url(attachment))
    assert response.status_code == 200 and b"".join(response.streaming_content) == _png()


@pytest.mark.django_db
def test_a_reply_shows_its_own_inline_image_but_not_the_quoted_one(mailbox):
    first = mail_ingest(
        mailbox=mailbox, raw=_html_mail('<p><img src="cid:shot@client.example"></p>')
    )
    reply_html = (
        '<p>Now it shows this:</p><img src="cid:second@client.example">'
        '<blockquote><img src="cid:shot@client.example"></blockquote>'
    )
    subject = f"Re: [#{first.ticket_number}] Screen"
    cids = ("second@client.example", "shot@client.example")
    result = mail_ingest(mailbox=mailbox, raw=_html_mail(reply_html, subject=subject, cids=cids))
    comment = Comment.objects.get(pk=result.comment_id)
    own = Attachment.objects.get(comment=comment, filename="seco.png")
    assert "See the picture below." in comment.body
    assert f'<img src="{_url(own)}" alt="seco.png">' in comment.body
    assert comment.body.count("<img") == 1
