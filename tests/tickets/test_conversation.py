"""Comments, attachments, links and merging."""

from __future__ import annotations

import io

import pytest

from deskline.core.errors import Conflict, ValidationFailed
from deskline.tickets.models import Comment, TicketEvent, TicketLink
from deskline.tickets.payloads import Commented
from deskline.tickets.services import (
    attachment_add,
    comment_add,
    ticket_create,
    ticket_link,
    ticket_merge,
    ticket_unlink,
)

pytestmark = pytest.mark.django_db


def test_first_public_agent_reply_marks_the_reaction(make_ticket, admin):
    ticket = make_ticket()
    comment_add(actor=admin, number=ticket.number, body="internal", is_public=False)
    ticket.refresh_from_db()
    assert ticket.reacted_at is None
    reply = comment_add(actor=admin, number=ticket.number, body="On our way")
    ticket.refresh_from_db()
    assert ticket.reacted_at == reply.created_at


def test_client_comments_are_always_public(client_user, client_contact):
    ticket = ticket_create(actor=client_user, title="x")
    comment = comment_add(actor=client_user, number=ticket.number, body="hello", is_public=False)
    assert (comment.is_public, comment.author_contact) == (True, client_contact)


def test_comment_records_an_event_and_bumps_the_version(make_ticket, admin):
    ticket = make_ticket()
    comment = comment_add(actor=admin, number=ticket.number, body="note", is_public=False)
    event = TicketEvent.objects.get(ticket=ticket, kind="commented")
    assert event.payload == Commented(comment_id=comment.pk, is_public=False, by_client=False)
    ticket.refresh_from_db()
    assert ticket.version == 2


def test_empty_comment_is_refused(make_ticket, admin):
    ticket = make_ticket()
    with pytest.raises(ValidationFailed) as error:
        comment_add(actor=admin, number=ticket.number, body="<p> </p>", is_html=True)
    assert error.value.fields == {"body": "must not be empty"}


def test_attachment_is_stored_with_its_digest(make_ticket, admin):
    ticket = make_ticket()
    data = b"%PDF-1.4 report"
    attachment = attachment_add(
        actor=admin,
        number=ticket.number,
        filename="../../etc/act.pdf",
        content=io.BytesIO(data),
        size=len(data),
    )
    assert attachment.filename == "act.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.file.read() == data
    assert len(attachment.sha256) == 64


def test_oversized_attachment_is_refused(make_ticket, admin, settings):
    settings.DESKLINE_MAX_UPLOAD_BYTES = 10
    ticket = make_ticket()
    with pytest.raises(ValidationFailed) as error:
        attachment_add(
            actor=admin,
            number=ticket.number,
            filename="a.txt",
            content=io.BytesIO(b"x" * 11),
            size=11,
        )
    assert "file" in error.value.fields


@pytest.mark.parametrize(
    ("filename", "data"),
    [("setup.exe", b"MZ\x90\x00"), ("photo.jpg", b"MZ\x90\x00rest"), ("page.html", b"<script>")],
)
def test_executables_and_active_content_are_refused(make_ticket, admin, filename, data):
    ticket = make_ticket()
    with pytest.raises(ValidationFailed):
        attachment_add(
            actor=admin,
            number=ticket.number,
            filename=filename,
            content=io.BytesIO(data),
            size=len(data),
        )


def test_related_link_is_stored_once_whichever_side_links(make_ticket, admin):
    first, second = make_ticket(), make_ticket()
    ticket_link(actor=admin, number=second.number, other_number=first.number)
    ticket_link(actor=admin, number=first.number, other_number=second.number)
    assert TicketLink.objects.get().from_ticket == first


def test_parent_link_sets_the_parent(make_ticket, admin):
    parent, child = make_ticket(), make_ticket()
    ticket_link(actor=admin, number=child.number, other_number=parent.number, kind="parent")
    child.refresh_from_db()
    assert child.parent == parent


def test_parent_link_refuses_a_cycle(make_ticket, admin):
    parent = make_ticket()
    child = make_ticket(parent_number=parent.number)
    with pytest.raises(ValidationFailed):
        ticket_link(actor=admin, number=parent.number, other_number=child.number, kind="parent")


def test_unlink_removes_a_related_link(make_ticket, admin):
    first, second = make_ticket(), make_ticket()
    ticket_link(actor=admin, number=first.number, other_number=second.number)
    ticket_unlink(actor=admin, number=second.number, other_number=first.number)
    assert not TicketLink.objects.exists()


def test_linking_a_ticket_to_itself_is_refused(make_ticket, admin):
    ticket = make_ticket()
    with pytest.raises(ValidationFailed):
        ticket_link(actor=admin, number=ticket.number, other_number=ticket.number)


def test_merge_moves_comments_and_closes_the_source(make_ticket, admin):
    source, target = make_ticket(title="Dup", description="details"), make_ticket()
    comment_add(actor=admin, number=source.number, body="from the duplicate")
    ticket_merge(actor=admin, number=source.number, into_number=target.number)
    source.refresh_from_db()
    assert (source.merged_into, source.phase) == (target, "closed")
    bodies = list(Comment.objects.filter(ticket=target).values_list("body", "moved_from"))
    assert ("<p>from the duplicate</p>", source.pk) in bodies
    note = Comment.objects.get(ticket=target, is_public=False)
    assert f"Merged from #{source.number}" in note.body
    assert TicketEvent.objects.filter(ticket=target, kind="merged").exists()


def test_merging_an_already_merged_ticket_is_refused(make_ticket, admin):
    source, first, second = make_ticket(), make_ticket(), make_ticket()
    ticket_merge(actor=admin, number=source.number, into_number=first.number)
    with pytest.raises(Conflict):  # a merged ticket is read-only
        ticket_merge(actor=admin, number=source.number, into_number=second.number)


def test_a_merged_ticket_is_read_only_through_every_write(admin_api, make_ticket, admin):
    """Issue 13 item 12: a merged duplicate could be reopened through the API."""
    source, target = make_ticket(), make_ticket()
    ticket_merge(actor=admin, number=source.number, into_number=target.number)
    for method, path, body in (
        ("post", f"tickets/{source.number}/status", {"status": "open"}),
        ("patch", f"tickets/{source.number}", {"title": "Reopened"}),
        ("post", f"tickets/{source.number}/comments", {"body": "Still broken"}),
    ):
        response = getattr(admin_api, method)(path, body)
        assert response.status_code == 409, (path, response.json())
        assert "merged" in response.json()["error"]["message"]
    source.refresh_from_db()
    assert source.phase == "closed" and source.title != "Reopened"
