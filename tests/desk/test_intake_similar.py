"""The intake form warns about the caller's similar open tickets before saving (htmx preview)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from deskline.accounts.models import Team
from deskline.tickets.models import Phase, Ticket
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

TITLE = "Printer on the second floor jams paper"


def _preview(client: Client, contact: Any, title: str) -> str:
    data = {"company": contact.company_id, "contact": contact.pk, "title": title}
    return client.post("/tickets/new/preview/", data).content.decode()


def test_the_preview_names_the_callers_similar_open_ticket(
    agent_client: Client, contact: Any, make_ticket: Any
) -> None:
    open_one = make_ticket(title=TITLE, company_id=contact.company_id, contact_id=contact.pk)
    body = _preview(agent_client, contact, "printer second floor jams the paper again")
    assert "Similar open tickets:" in body and f'href="/tickets/{open_one.number}/"' in body


def test_an_unrelated_text_raises_no_warning(
    agent_client: Client, contact: Any, make_ticket: Any
) -> None:
    make_ticket(title=TITLE, company_id=contact.company_id, contact_id=contact.pk)
    assert "Similar open tickets" not in _preview(agent_client, contact, "VPN password expired")


def test_closed_tickets_and_other_contacts_tickets_are_not_named(
    agent_client: Client, contact: Any, make_ticket: Any
) -> None:
    closed = make_ticket(title=TITLE, company_id=contact.company_id, contact_id=contact.pk)
    Ticket.objects.filter(pk=closed.pk).update(phase=Phase.CLOSED)
    other = ContactFactory(company=contact.company)
    make_ticket(title=TITLE, company_id=contact.company_id, contact_id=other.pk)
    assert "Similar open tickets" not in _preview(agent_client, contact, TITLE)


def test_a_ticket_the_agent_may_not_see_is_not_named(
    agent_client: Client, contact: Any, make_ticket: Any
) -> None:
    elsewhere = Team.objects.create(name="Elsewhere")
    make_ticket(title=TITLE, company_id=contact.company_id, contact_id=contact.pk,
                team_id=elsewhere.pk)  # fmt: skip
    assert "Similar open tickets" not in _preview(agent_client, contact, TITLE)
