"""Tickets brought in from another help desk as they were there (part of the ticket write path).

Unlike `ticket_create`, these keep what the old system recorded: the ticket's number when it
is free here, its status, and its dates (created, modified, resolved, closed; each comment's
date). They run no deciders (routing, triage and SLA decided long ago, or never) and record an
`imported` event, which reactions treat as history: no client is mailed about a closed ticket
from 2019. The migration importers in `operations/migration/` are their only callers.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction

from deskline.accounts.models import User
from deskline.core.errors import ValidationFailed
from deskline.core.html import html_to_text
from deskline.core.inserts import insert
from deskline.tickets import config_cache, search
from deskline.tickets.events import event_record
from deskline.tickets.models import Attachment, Channel, Comment, Status, Ticket
from deskline.tickets.numbering import COUNTER, SEQUENCE, next_ticket_number
from deskline.tickets.payloads import Imported
from deskline.tickets.resolving import resolve
from deskline.tickets.uploads import UploadRejected, check_upload, safe_filename
from deskline.tickets.writing import clean_body


@dataclass(frozen=True)
class HistoricTicket:
    """A ticket as the old system had it, with Deskline ids already resolved."""

    title: str
    description: str
    description_is_html: bool
    status: Status
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    wanted_number: int | None = None
    priority_id: int | None = None
    category_id: int | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    company_id: int | None = None
    contact_id: int | None = None
    channel: str = Channel.API


def ticket_numbers_reserve_through(number: int) -> None:
    """Make sure new tickets are numbered above `number` (an imported ticket keeps it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM {SEQUENCE})))",  # noqa: S608
                [SEQUENCE, number],
            )
            return
        cursor.execute(  # the counter row, if missing, starts above every number issued
            "INSERT INTO tickets_numbersequence (name, value) "
            "SELECT %s, (SELECT COALESCE(MAX(number), 0) FROM tickets_ticket) "
            "WHERE NOT EXISTS (SELECT 1 FROM tickets_numbersequence WHERE name = %s)",
            [COUNTER, COUNTER],
        )
        cursor.execute(
            "UPDATE tickets_numbersequence SET value = MAX(value, %s) WHERE name = %s",
            [number, COUNTER],
        )


def number_is_free(number: int) -> bool:
    return not Ticket.objects.filter(number=number).exists()


def _title(text: str) -> str:
    cleaned = " ".join((text or "").replace("\x00", " ").split())[:300]
    return cleaned or "(no subject)"


@transaction.atomic
def ticket_import(
    *,
    actor: User,
    values: HistoricTicket,
    source: str,
    external_id: str,
    original_status: str,
    original_number: str = "",
    reserve_number: bool = True,
) -> Ticket:
    """Create the ticket as it was; its old number when free here, else the next number
    (`original_number`: how the old system wrote a number that is not a plain one).

    Keeping a number moves the numbering past it, so no new ticket is given it later;
    `reserve_number=False` is for a dry run (PostgreSQL's sequence ignores rollbacks)."""
    number = values.wanted_number
    if number is not None and number > 0 and number_is_free(number):
        if reserve_number:
            ticket_numbers_reserve_through(number)
    else:
        number = next_ticket_number()
    priority = resolve("priority", values.priority_id) or config_cache.default_priority()
    ticket = Ticket(
        number=number,
        title=_title(values.title),
        description=clean_body(values.description or "", is_html=values.description_is_html),
        channel=values.channel,
        type=config_cache.default_type(),
        category=resolve("category", values.category_id),
        priority=priority,
        priority_weight=priority.weight,
        company=resolve("company", values.company_id),
        contact=resolve("contact", values.contact_id),
        team=resolve("team", values.team_id),
        assignee=resolve("assignee", values.assignee_id),
        created_by=actor,
        status=values.status,
        phase=values.status.phase,
        created_at=values.created_at,
        updated_at=max(values.updated_at, values.created_at),
        resolved_at=values.resolved_at,
        closed_at=values.closed_at,
    )
    insert(ticket)
    search.index_ticket_text(ticket.pk, search.ticket_text(ticket))
    original = original_number or str(values.wanted_number or "")
    original = original if values.wanted_number != number else ""
    payload = Imported(source=source, external_id=external_id, original_number=original,
                       original_status=original_status)  # fmt: skip
    event_record(ticket=ticket, actor=actor, payload=payload, at=values.created_at)
    return ticket


def comment_import(
    *,
    ticket: Ticket,
    author: User | None,
    author_contact_id: int | None,
    body: str,
    is_html: bool,
    is_public: bool,
    created_at: datetime,
    message_id: str = "",
) -> Comment:
    """A comment as it was written then (its author, visibility and date); caller's transaction."""
    cleaned = clean_body(body, is_html=is_html)
    comment = Comment.objects.create(
        ticket=ticket, author=author, author_contact_id=author_contact_id, body=cleaned,
        is_public=is_public, channel=Channel.API, message_id=message_id[:998],
        created_at=created_at,
    )  # fmt: skip
    search.append_ticket_text(ticket.pk, html_to_text(cleaned))
    return comment


def attachment_import(
    *,
    ticket: Ticket,
    comment: Comment | None,
    filename: str,
    content: bytes,
    is_public: bool,
    uploaded_by: User | None,
    created_at: datetime | None = None,
) -> Attachment:
    """Store an old file on the ticket under the same size and type rules as an upload."""
    name = safe_filename(filename)
    try:
        content_type = check_upload(filename=name, size=len(content), head=content[:8192],
                                    max_bytes=settings.DESKLINE_MAX_UPLOAD_BYTES)  # fmt: skip
    except UploadRejected as exc:
        raise ValidationFailed(str(exc), fields={"file": f"{name}: {exc}"}) from exc
    attachment = Attachment(
        ticket=ticket, comment=comment, filename=name, content_type=content_type,
        size=len(content), sha256=hashlib.sha256(content).hexdigest(), is_public=is_public,
        uploaded_by=uploaded_by,
    )  # fmt: skip
    attachment.file.save(uuid.uuid4().hex, ContentFile(content), save=False)
    attachment.save()
    if created_at is not None:  # the column stamps "now" on insert; keep the old date
        Attachment.objects.filter(pk=attachment.pk).update(created_at=created_at)
        attachment.created_at = created_at
    return attachment


@transaction.atomic
def ticket_history_added(
    *,
    actor: User,
    ticket: Ticket,
    source: str,
    external_id: str,
    comments: int,
    attachments: int,
    updated_at: datetime | None = None,
) -> None:
    """Close an import of comments or files onto a ticket: one `imported` event, the ticket's
    last change moved to the old system's (never back), the next version."""
    if updated_at is not None and updated_at > ticket.updated_at:
        ticket.updated_at = updated_at
    ticket.version += 1
    ticket.save(update_fields=["updated_at", "version"])
    payload = Imported(source=source, external_id=external_id, comments=comments,
                       attachments=attachments)  # fmt: skip
    event_record(ticket=ticket, actor=actor, payload=payload, at=updated_at)
