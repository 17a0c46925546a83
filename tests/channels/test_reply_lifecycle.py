"""Issue 13 item 11: mail to a merged, a resolved or a closed ticket goes where a person expects."""

from __future__ import annotations

import pytest

from deskline.channels.services import mail_ingest
from deskline.tickets.models import Comment, Status, StatusTransition, Ticket, TicketLink
from deskline.tickets.services import ticket_change_status, ticket_merge
from tests.channels.conftest import make_raw

pytestmark = pytest.mark.django_db


def _reply(mailbox, number: int, body: str = "Still broken"):  # type: ignore[no-untyped-def]
    return mail_ingest(mailbox=mailbox, raw=make_raw(subject=f"Re: [#{number}] Printer", body=body))


def _to_phase(admin, number: int, phase: str) -> None:  # type: ignore[no-untyped-def]
    for code in {"resolved": ("in_progress", "resolved"),
                 "closed": ("in_progress", "resolved", "closed")}[phase]:  # fmt: skip
        status = Status.objects.filter(code=code).first() or Status.objects.get(phase=code)
        ticket_change_status(actor=admin, number=number, status_id=status.pk)


def test_a_reply_to_a_merged_ticket_lands_on_the_surviving_one(mailbox, admin):
    duplicate = mail_ingest(mailbox=mailbox, raw=make_raw()).ticket_number
    survivor = mail_ingest(mailbox=mailbox, raw=make_raw(subject="Printer again")).ticket_number
    ticket_merge(actor=admin, number=duplicate, into_number=survivor)
    result = _reply(mailbox, duplicate)
    assert result.summary == f"comment on {survivor}"
    assert Comment.objects.get(pk=result.comment_id).ticket.number == survivor


def test_a_client_reply_reopens_a_resolved_ticket(mailbox, admin):
    number = mail_ingest(mailbox=mailbox, raw=make_raw()).ticket_number
    _to_phase(admin, number, "resolved")
    _reply(mailbox, number)
    assert Ticket.objects.get(number=number).phase in ("open", "new")


def test_a_status_set_not_to_reopen_keeps_the_ticket_resolved(mailbox, admin):
    number = mail_ingest(mailbox=mailbox, raw=make_raw()).ticket_number
    _to_phase(admin, number, "resolved")
    Status.objects.filter(phase="resolved").update(reopens_on_client_reply=False)
    result = _reply(mailbox, number, body="Thanks, all good")
    ticket = Ticket.objects.get(number=number)
    assert ticket.phase == "resolved" and result.summary == f"comment on {number}"


def test_a_reply_to_a_closed_ticket_starts_a_new_ticket_linked_to_it(mailbox, admin):
    number = mail_ingest(mailbox=mailbox, raw=make_raw()).ticket_number
    _to_phase(admin, number, "closed")
    result = _reply(mailbox, number)
    assert result.ticket_number != number and result.comment_id is None
    old, new = Ticket.objects.get(number=number), Ticket.objects.get(number=result.ticket_number)
    assert TicketLink.objects.filter(from_ticket__in=[old, new], to_ticket__in=[old, new]).exists()
    assert old.phase == "closed"
    assert StatusTransition.objects.exists()
