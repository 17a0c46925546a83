"""Suggested answers: replies that resolved similar tickets, insertable into the reply."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.tickets.conversation import comment_add
from deskline.tickets.models import Phase, Ticket
from deskline.triage.answers import suggested_answers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
FIX = "Cleaned the paper path and replaced the pickup roller; it prints again."


def _solved(make_ticket: Any, admin: Any, title: str, reply: str, **fields: Any) -> Ticket:
    ticket = make_ticket(title=title, **fields)
    comment_add(actor=admin, number=ticket.number, body=reply, is_public=True)
    comment_add(actor=admin, number=ticket.number, body="internal: took 20 min", is_public=False)
    Ticket.objects.filter(pk=ticket.pk).update(phase=Phase.CLOSED)
    return ticket


def test_the_reply_of_the_most_similar_resolved_ticket_comes_first(
    make_ticket: Any, admin: Any
) -> None:
    _solved(make_ticket, admin, "Printer jams paper in accounting", FIX)
    _solved(make_ticket, admin, "No internet in the warehouse", "Replaced the switch.")
    ticket = make_ticket(title="The accounting printer jams paper")
    answers = suggested_answers(user=admin, ticket=ticket)
    assert [a.text for a in answers] == [FIX]


def test_answers_come_only_from_tickets_the_agent_may_see(make_ticket: Any, admin: Any) -> None:
    _solved(make_ticket, admin, "Printer jams paper in accounting", FIX)
    ticket = make_ticket(title="The accounting printer jams paper")
    contractor = UserFactory(role="contractor")
    assert suggested_answers(user=contractor, ticket=ticket) == []


def test_one_click_inserts_the_answer_after_the_draft(
    make_ticket: Any, admin: Any, client: Any
) -> None:
    _solved(make_ticket, admin, "Printer jams paper in accounting", FIX)
    ticket = make_ticket(title="The accounting printer jams paper")
    client.force_login(admin)
    panel = client.get(f"/triage/tickets/{ticket.number}/").content.decode()
    (answer,) = suggested_answers(user=admin, ticket=ticket)
    assert f"/triage/tickets/{ticket.number}/answers/{answer.comment_id}/" in panel
    box = client.post(f"/triage/tickets/{ticket.number}/answers/{answer.comment_id}/",
                      {"body": "Hello,"}).content.decode()  # fmt: skip
    assert "Hello,\n\n" + FIX.replace("'", "&#x27;") in box


def test_an_internal_note_cannot_be_inserted(make_ticket: Any, admin: Any, client: Any) -> None:
    ticket = make_ticket(title="Printer")
    note = comment_add(actor=admin, number=ticket.number, body="secret", is_public=False)
    client.force_login(admin)
    assert client.post(f"/triage/tickets/{ticket.number}/answers/{note.pk}/").status_code == 404


def test_the_desk_knowledge_search_finds_resolved_tickets_with_their_answer(
    make_ticket: Any, admin: Any, client: Any
) -> None:
    solved = _solved(make_ticket, admin, "Printer jams paper in accounting", FIX)
    client.force_login(admin)
    page = client.get("/kb/", {"q": "accounting printer jams"}).content.decode()
    assert f'href="/tickets/{solved.number}/"' in page and "pickup roller" in page


def test_the_desk_knowledge_search_hides_tickets_the_agent_may_not_see(
    make_ticket: Any, admin: Any, client: Any
) -> None:
    _solved(make_ticket, admin, "Printer jams paper in accounting", FIX)
    client.force_login(UserFactory(role="contractor"))
    page = client.get("/kb/", {"q": "accounting printer jams"}).content.decode()
    assert "pickup roller" not in page
