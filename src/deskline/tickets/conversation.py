"""Comments and attachments on tickets (part of the ticket write path)."""

from __future__ import annotations

import uuid
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from deskline.accounts.models import Role, User
from deskline.clients.models import Contact
from deskline.core.errors import ValidationFailed
from deskline.core.html import html_to_text, sanitize_html
from deskline.tickets import search
from deskline.tickets.access import contact_for_client
from deskline.tickets.models import Attachment, Channel, Comment, Ticket
from deskline.tickets.payloads import AttachmentAdded, Commented
from deskline.tickets.recent import comment_written
from deskline.tickets.uploads import UploadRejected, read_upload
from deskline.tickets.writing import clean_body, lock_ticket, write_change


@transaction.atomic
def comment_add(
    *,
    actor: User | None,
    number: int,
    body: str,
    is_html: bool = False,
    is_public: bool = True,
    channel: str = Channel.API,
    author_contact_id: int | None = None,
    author_contact: Contact | None = None,
    message_id: str = "",
    sender_verified: bool = True,
) -> Comment:
    """Add a public reply or an internal note. Clients' comments are always public.

    `sender_verified` False (mail whose From: proves nothing, see channels/senderproof.py)
    makes it an internal note flagged as such: never public, never mailed to the client.
    `author_contact`: the contact of `author_contact_id` when the caller has it (one read less).
    """
    ticket = lock_ticket(actor, number, None)
    if author_contact is not None and author_contact.pk != author_contact_id:
        author_contact = None
    if actor is not None and actor.role == Role.CONTACT:
        author_contact, is_public = contact_for_client(actor), True
    elif author_contact is None and author_contact_id is not None:
        author_contact = Contact.objects.filter(pk=author_contact_id).first()
    if not sender_verified:
        is_public = False
    cleaned = clean_body(body, is_html=is_html)
    if not html_to_text(cleaned) and "<img" not in cleaned:
        raise ValidationFailed("the comment is empty", fields={"body": "must not be empty"})
    now = timezone.now()
    comment = Comment.objects.create(
        ticket=ticket,
        author=actor,
        author_contact=author_contact,
        body=cleaned,
        is_public=is_public,
        channel=channel,
        message_id=message_id[:998],
        sender_verified=sender_verified,
        created_at=now,
    )
    comment_written(comment.pk, cleaned)
    by_staff = actor is not None and actor.role != Role.CONTACT
    search.append_ticket_text(ticket.pk, html_to_text(cleaned))
    # Whether this reply is the reaction (reacted_at) is the SLA deriver's call, per policy.
    write_change(
        ticket,
        [],
        actor=actor,
        channel=channel,
        payload=Commented(
            comment_id=comment.pk,
            is_public=is_public,
            by_client=not by_staff,
            sender_verified=sender_verified,
        ),  # fmt: skip
        at=now,
    )
    return comment


@transaction.atomic
def attachment_add(
    *,
    actor: User | None,
    number: int,
    filename: str,
    content: IO[bytes],
    size: int,
    is_public: bool = True,
    comment_id: int | None = None,
) -> Attachment:
    """Store an uploaded file on the ticket after checking its size and type."""
    ticket = lock_ticket(actor, number, None)
    if actor is not None and actor.role == Role.CONTACT:
        is_public = True
    try:
        upload = read_upload(filename=filename, content=content, size=size,
                             max_bytes=settings.DESKLINE_MAX_UPLOAD_BYTES)  # fmt: skip
    except UploadRejected as exc:
        raise ValidationFailed(str(exc), fields={"file": str(exc)}) from exc
    comment = None
    if comment_id is not None:
        comment = Comment.objects.filter(pk=comment_id, ticket=ticket).first()
        if comment is None:
            raise ValidationFailed("unknown comment", fields={"comment_id": "not on this ticket"})
    attachment = Attachment(
        ticket=ticket,
        comment=comment,
        filename=upload.filename,
        content_type=upload.content_type,
        size=size,
        sha256=upload.sha256,
        is_public=is_public,
        uploaded_by=actor,
    )
    # A random stored name: the client's file name never becomes a path on our disk.
    attachment.file.save(f"{uuid.uuid4().hex}", ContentFile(upload.data), save=False)
    attachment.save()
    write_change(
        ticket,
        [],
        actor=actor,
        payload=AttachmentAdded(attachment_id=attachment.pk, filename=upload.filename, size=size),
    )
    return attachment


@transaction.atomic
def inline_images_link(
    *,
    ticket_id: int,
    description: str | None = None,
    comment_id: int | None = None,
    comment_body: str | None = None,
) -> None:
    """Store the final HTML of a description or comment whose inline images were just saved.

    Mail intake creates the ticket or comment first and its attachments next (their URLs need
    the ids); this writes the same text again with the `cid:` links resolved, in the intake's
    transaction. It records no event: nothing a person wrote has changed.
    """
    if description is not None:
        Ticket.objects.filter(pk=ticket_id).update(description=sanitize_html(description))
    if comment_id is not None and comment_body is not None:
        Comment.objects.filter(pk=comment_id, ticket_id=ticket_id).update(
            body=sanitize_html(comment_body)
        )
