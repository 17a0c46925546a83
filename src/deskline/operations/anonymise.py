"""Anonymising a copy of an installation in place (the sandbox's `--anonymise`).

Refuses to run outside a sandbox. Replaces the clients' identities (companies, contacts and
their portal logins, site addresses), every text a client or agent wrote (ticket titles and
descriptions, comments, changed values in the history, inbound mail), and drops what holds
originals verbatim (raw mail, sent notifications, attachments' contents), then rebuilds the
search index from the new texts. Staff accounts stay: they are the installation's own people.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet

from deskline.accounts.models import Role, User
from deskline.channels.models import InboundMessage
from deskline.clients.models import Company, Contact, Site
from deskline.clients.phones import phone_normalize
from deskline.core.html import html_to_text, text_to_html
from deskline.core.models import OutboundLog
from deskline.notifications.models import Outbox
from deskline.operations import scramble
from deskline.tickets.models import Attachment, Comment, Ticket, TicketEvent
from deskline.tickets.search import reindex_ticket

BATCH = 2000
PLACEHOLDER = b"(This file was removed when the copy was anonymised.)\n"


class NotASandbox(Exception):
    """Anonymising rewrites data for good: it only ever runs in a sandbox."""


def _batches(queryset: QuerySet[Any]) -> Iterator[list[Any]]:
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not rows:
            return
        last = rows[-1].pk
        yield rows


def _rewrite(queryset: QuerySet[Any], fields: list[str], change: Callable[[Any], None]) -> int:
    done = 0
    for rows in _batches(queryset):
        for row in rows:
            change(row)
        with transaction.atomic():
            queryset.model.objects.bulk_update(rows, fields)
        done += len(rows)
    return done


def installation_anonymise(*, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    if not settings.DESKLINE_SANDBOX:
        raise NotASandbox("anonymising runs only in a sandbox (DESKLINE_SANDBOX=true)")
    say = progress or (lambda step, count: None)
    salt = secrets.token_hex(16)  # a new salt per copy: fakes cannot be matched across copies
    counts = {
        "companies": _companies(salt), "contacts": _contacts(salt), "sites": _sites(salt),
        "tickets": _tickets(salt), "comments": _comments(salt), "events": _events(salt),
        "mail": _mail(salt), "attachments": _attachments(),
    }  # fmt: skip
    Outbox.objects.all().delete()
    OutboundLog.objects.all().delete()
    for step, count in counts.items():
        say(step, count)
    counts["reindexed"] = _reindex()
    return counts


def _companies(salt: str) -> int:
    def change(company: Company) -> None:
        company.name = scramble.fake_company(salt, company.name)
        company.tax_id = scramble.fake_tax_id(salt, company.tax_id)
        company.notes = scramble.scramble_text(salt, company.notes)

    return _rewrite(Company.objects.all(), ["name", "tax_id", "notes"], change)


def _contacts(salt: str) -> int:
    logins: list[User] = []

    def change(contact: Contact) -> None:
        identity = contact.email or contact.name
        contact.name = scramble.fake_person(salt, identity, contact.name)
        contact.email = scramble.fake_email(salt, identity, contact.name) if contact.email else ""
        contact.phone = scramble.fake_phone(salt, contact.phone)
        contact.phone_normalized = phone_normalize(contact.phone, region="RU")
        contact.telegram = ""
        if contact.user is not None and contact.user.role == Role.CONTACT:
            first, _, last = contact.name.partition(" ")
            user = contact.user
            user.first_name, user.last_name = first, last
            user.username = user.email = contact.email or f"contact{contact.pk}@example.invalid"
            logins.append(user)

    fields = ["name", "email", "phone", "phone_normalized", "telegram"]
    done = _rewrite(Contact.objects.select_related("user"), fields, change)
    User.objects.bulk_update(logins, ["first_name", "last_name", "username", "email"], BATCH)
    return done


def _sites(salt: str) -> int:
    def change(site: Site) -> None:
        site.address = scramble.scramble_text(salt, site.address)

    return _rewrite(Site.objects.all(), ["address"], change)


def _tickets(salt: str) -> int:
    def change(ticket: Ticket) -> None:
        ticket.title = scramble.scramble_text(salt, ticket.title)
        ticket.description = text_to_html(
            scramble.scramble_text(salt, html_to_text(ticket.description))
        )

    return _rewrite(
        Ticket.objects.only("pk", "title", "description"), ["title", "description"], change
    )


def _comments(salt: str) -> int:
    def change(comment: Comment) -> None:
        comment.body = text_to_html(scramble.scramble_text(salt, html_to_text(comment.body)))

    return _rewrite(Comment.objects.only("pk", "body"), ["body"], change)


def _scrambled(salt: str, value: Any) -> Any:
    if isinstance(value, str):
        return scramble.scramble_text(salt, value)
    if isinstance(value, list):
        return [_scrambled(salt, v) for v in value]
    return value


def _events(salt: str) -> int:
    def change(event: TicketEvent) -> None:
        event.changes = {
            field: _scrambled(salt, pair) if field in ("title", "description") else pair
            for field, pair in (event.changes or {}).items()
        }

    events = TicketEvent.objects.filter(changes__has_any_keys=["title", "description"])
    return _rewrite(events.only("pk", "changes"), ["changes"], change)


def _mail(salt: str) -> int:
    def change(message: InboundMessage) -> None:
        message.raw = b""
        message.sender = scramble.fake_email(salt, message.sender) if message.sender else ""
        message.subject = scramble.scramble_text(salt, message.subject)

    fields = ["raw", "sender", "subject"]
    return _rewrite(InboundMessage.objects.only("pk", "sender", "subject"), fields, change)


def _attachments() -> int:
    done = 0
    for rows in _batches(Attachment.objects.all()):
        for attachment in rows:
            _replace_file(attachment)
        done += len(rows)
    return done


def _replace_file(attachment: Attachment) -> None:
    stored = attachment.file
    name = stored.name
    if name:
        stored.storage.delete(name)
        stored.storage.save(name, ContentFile(PLACEHOLDER))
    Attachment.objects.filter(pk=attachment.pk).update(size=len(PLACEHOLDER), sha256="")


def _reindex() -> int:
    done = 0
    for rows in _batches(Ticket.objects.only("pk", "title", "description")):
        with transaction.atomic():
            for ticket in rows:
                reindex_ticket(ticket)
        done += len(rows)
    return done
