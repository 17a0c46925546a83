"""Reads for mail intake: known Message-IDs, senders, companies by mail domain, pending mail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db.models import QuerySet

from deskline.accounts.models import Role, User
from deskline.channels.models import InboundMessage, Mailbox
from deskline.clients.models import Company, Contact
from deskline.notifications.models import Outbox
from deskline.tickets.models import Comment, Phase, Ticket


def known_thread_ids(message_ids: Sequence[str]) -> dict[str, int]:
    """Ticket numbers of the given Message-IDs: our outgoing mail, then earlier inbound mail."""
    ids = [m for m in message_ids if m][:50]
    if not ids:
        return {}
    known: dict[str, int] = {}
    sources = [
        Outbox.objects.filter(message_id__in=ids, ticket__isnull=False).values_list(
            "message_id", "ticket__number"
        ),
        InboundMessage.objects.filter(message_id__in=ids, ticket__isnull=False).values_list(
            "message_id", "ticket__number"
        ),
        Comment.objects.filter(message_id__in=ids).values_list("message_id", "ticket__number"),
    ]
    for rows in sources:
        for message_id, number in rows:
            known.setdefault(message_id, number)
    return known


def existing_ticket_numbers(numbers: Sequence[int | None]) -> list[int]:
    wanted = [n for n in numbers if n is not None]
    if not wanted:
        return []
    return list(Ticket.objects.filter(number__in=wanted).values_list("number", flat=True))


def surviving_ticket_number(number: int) -> int:
    """The ticket mail to `number` belongs to: the one it was merged into, followed to the end."""
    seen = {number}
    while True:
        target = (
            Ticket.objects.filter(number=number, merged_into__isnull=False)
            .values_list("merged_into__number", flat=True)
            .first()
        )
        if target is None or target in seen:  # not merged (or a cycle, which merging forbids)
            return number
        seen.add(target)
        number = target


def ticket_is_closed(number: int) -> bool:
    return Ticket.objects.filter(number=number, phase=Phase.CLOSED).exists()


def contact_by_email(address: str) -> Contact | None:
    if not address:
        return None
    return Contact.objects.filter(email__iexact=address, is_active=True).order_by("pk").first()


def staff_by_email(address: str) -> User | None:
    if not address:
        return None
    return (
        User.objects.filter(email__iexact=address, is_active=True)
        .exclude(role=Role.CONTACT)
        .order_by("pk")
        .first()
    )


def company_for_domain(domain: str) -> Company | None:
    domain = domain.lower().strip()
    if not domain:
        return None
    for company in Company.objects.filter(email_domains__icontains=domain, is_active=True):
        if domain in {d.strip().lower() for d in company.email_domains.split(",")}:
            return company
    return None


def sender_recent_count(*, mailbox: Mailbox, sender: str, since: dt.datetime, exclude: int) -> int:
    return (
        InboundMessage.objects.filter(mailbox=mailbox, sender=sender, received_at__gte=since)
        .exclude(pk=exclude)
        .count()
    )


def mailbox_by_token_digest(digest: str) -> Mailbox | None:
    if not digest:
        return None
    return Mailbox.objects.filter(token_digest=digest, is_active=True).first()


def mailboxes_to_poll() -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(is_active=True).exclude(imap_host="")


def inbound_pending(*, older_than: dt.datetime) -> QuerySet[InboundMessage]:
    """Messages stored but never processed (a worker died in between)."""
    return InboundMessage.objects.filter(
        status=InboundMessage.Status.RECEIVED, received_at__lt=older_than
    ).order_by("pk")


def inbound_thread_ids(ticket: Ticket) -> Iterable[tuple[dt.datetime, str]]:
    """The Message-IDs of mail that came in for the ticket, with when it arrived."""
    return (
        InboundMessage.objects.filter(ticket=ticket)
        .exclude(message_id="")
        .values_list("received_at", "message_id")
    )
