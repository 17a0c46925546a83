"""The live call card: polled by the desk layout for agents with an extension; shows the caller,
their company and open tickets; its "new ticket" link prefills the intake page, and the ticket
made from it gets the call's duration once the call ends."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from deskline.channels.phone import phone_ingest
from deskline.channels.phone_models import Call, PhoneSource
from deskline.tickets.models import Comment, Ticket
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pbx(db: None) -> PhoneSource:
    return PhoneSource.objects.create(name="pbx")


def _call(pbx: PhoneSource, event: str, *, number: str = "8 912 345-67-89", **fields: Any) -> None:
    body = {"call_id": "c1", "event": event, "from": number, "extension": "101", **fields}
    assert phone_ingest(source=pbx, body=json.dumps(body).encode()).status == "processed"


def _card(client: Client) -> str:
    response = client.get("/phone/card/")
    assert response.status_code == 200
    return response.content.decode()


def _intake_link(card: str) -> dict[str, list[str]]:
    href = re.search(r'href="(/tickets/new/\?[^"]+)"', card)
    assert href is not None
    return parse_qs(urlsplit(href.group(1).replace("&amp;", "&")).query)


def test_layout_polls_the_card_only_for_an_agent_with_an_extension(agent, agent_client):
    assert 'hx-get="/phone/card/"' not in agent_client.get("/").content.decode()
    agent.phone_extension = "101"
    agent.save()
    page = agent_client.get("/").content.decode()
    assert 'hx-get="/phone/card/"' in page and 'hx-trigger="load, every 4s"' in page


def test_ringing_call_shows_the_caller_company_and_open_tickets(
    agent, agent_client, company, pbx, make_ticket
):
    agent.phone_extension = "101"
    agent.save()
    caller = ContactFactory(company=company, name="Ivan Caller", phone="+79123456789")
    open_one = make_ticket(title="Printer jams", contact_id=caller.pk)
    _call(pbx, "started")
    card = _card(agent_client)
    assert "Ivan Caller" in card and "Acme" in card and f"#{open_one.number}" in card
    link = _intake_link(card)
    assert link["contact"] == [str(caller.pk)] and link["company"] == [str(company.pk)]
    assert link["call"] == [str(Call.objects.get().pk)] and link["channel"] == ["phone"]


def test_unknown_caller_card_offers_a_ticket_with_the_number_for_a_new_contact(
    agent, agent_client, admin_client_desk, pbx
):
    agent.phone_extension = "101"
    agent.save()
    _call(pbx, "started", number="+74951112233")
    card = _card(agent_client)
    assert "Unknown caller" in card
    assert _intake_link(card)["contact_phone"] == ["+74951112233"]
    # A dispatcher (who may add contacts) finds the new-contact form open with the number.
    page = admin_client_desk.get("/tickets/new/", {"contact_phone": "+74951112233", "call": 1})
    assert 'value="+74951112233"' in page.content.decode()


def test_other_extensions_and_old_calls_show_no_card(agent, agent_client, pbx):
    agent.phone_extension = "102"
    agent.save()
    _call(pbx, "started")
    assert _card(agent_client) == ""
    agent.phone_extension = "101"
    agent.save()
    _call(pbx, "ended")
    Call.objects.update(updated_at=timezone.now() - dt.timedelta(minutes=5))
    assert _card(agent_client) == ""


def test_a_ring_group_rings_every_agent_in_it(agent, agent_client, pbx):
    agent.phone_extension = "102"
    agent.save()
    _call(pbx, "started")
    _call(pbx, "started", extension="102")
    assert "8 912 345-67-89" in _card(agent_client)


def test_a_ticket_made_from_the_card_gets_the_call_and_its_duration_at_the_end(
    agent, agent_client, company, pbx
):
    caller = ContactFactory(company=company, phone="+79123456789")
    _call(pbx, "started", timestamp="2026-12-04T05:00:00Z")
    _call(pbx, "answered", timestamp="2026-12-04T05:00:10Z")
    call = Call.objects.get()
    response = agent_client.post("/tickets/new/", {
        "company": company.pk, "contact": caller.pk, "call": call.pk, "title": "No power",
        "channel": "phone",
    })  # fmt: skip
    assert response.status_code == 302
    ticket = Ticket.objects.get(title="No power")
    assert Call.objects.get().ticket == ticket
    _call(pbx, "ended", timestamp="2026-12-04T05:02:10Z", recording_url="https://pbx.example/1.mp3")
    note = Comment.objects.get(ticket=ticket)
    assert "2 min 00 s" in note.body and "https://pbx.example/1.mp3" in note.body


def test_adding_the_call_to_an_open_ticket_logs_it_there(
    agent, agent_client, company, pbx, make_ticket
):
    caller = ContactFactory(company=company, phone="+79123456789")
    existing = make_ticket(title="Printer jams", contact_id=caller.pk)
    _call(pbx, "started")
    _call(pbx, "answered")
    _call(pbx, "ended")
    call = Call.objects.get()
    response = agent_client.post("/tickets/new/", {
        "company": company.pk, "contact": caller.pk, "call": call.pk, "join": existing.number,
        "title": "Still jams",
    })  # fmt: skip
    assert response.status_code == 302
    assert Call.objects.get().ticket == existing
    assert any("Inbound call" in c.body for c in Comment.objects.filter(ticket=existing))


def test_the_card_fragment_has_no_inline_script(agent, agent_client, pbx):
    agent.phone_extension = "101"
    agent.save()
    _call(pbx, "started")
    assert "<script" not in _card(agent_client)


def test_many_calls_at_other_extensions_do_not_hide_the_agents_own(agent, agent_client, pbx):
    agent.phone_extension = "101"
    agent.save()
    _call(pbx, "started", number="+79160000001")
    for n in range(30):
        body = {"call_id": f"other-{n}", "event": "started", "from": f"+7916100{n:04d}",
                "extension": "1010" if n % 2 else "201"}  # fmt: skip
        phone_ingest(source=pbx, body=json.dumps(body).encode())
    assert "+79160000001" in _card(agent_client)


def test_open_missed_call_tickets_are_listed_on_the_to_call_back_page(
    admin_client_desk, company, pbx
):
    ContactFactory(company=company, name="Ivan Caller", phone="+79123456789")
    _call(pbx, "started")
    _call(pbx, "ended")
    _call(pbx, "started", call_id="c2")
    _call(pbx, "ended", call_id="c2")
    ticket = Ticket.objects.get()
    page = admin_client_desk.get("/feedback/callbacks/").content.decode()
    missed = page.split('id="missed-calls"')[1]
    assert f"#{ticket.number}" in missed and "Ivan Caller" in missed and "<td>2</td>" in missed


def test_the_to_call_back_page_lists_only_missed_calls_the_user_may_see(agent, pbx):
    from deskline.accounts.models import Role
    from tests.factories import UserFactory

    ContactFactory(phone="+79123456789")
    _call(pbx, "started")
    _call(pbx, "ended")
    contractor = UserFactory(role=Role.CONTRACTOR)
    client = Client()
    client.force_login(contractor)
    page = client.get("/feedback/callbacks/").content.decode()
    assert 'id="missed-calls"' not in page and "No missed calls to return." in page
