"""Issue 20 item 7 in Chromium: a call rings the agent's extension, the card appears on the desk
by polling (htmx, under the strict CSP: no inline script), its button opens the intake page prefilled, and the ticket
saved there gets the call's duration when the PBX reports the end."""

from __future__ import annotations

import json
from typing import Any

import pytest

from deskline.channels.phone import phone_ingest
from deskline.channels.phone_models import Call, PhoneSource
from deskline.clients.models import Contact
from deskline.tickets.models import Channel, Comment, Ticket
from tests.e2e.conftest import desk_login
from tests.e2e.test_journeys import _seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _event(pbx: PhoneSource, event: str, at: str, **fields: Any) -> None:
    body = {"call_id": "e2e-1", "event": event, "from": "8 912 345-67-89", "extension": "101",
            "timestamp": at, **fields}  # fmt: skip
    assert phone_ingest(source=pbx, body=json.dumps(body).encode()).status == "processed"


def test_agent_takes_a_call_from_the_card_to_a_ticket(live_server: Any, page: Any) -> None:
    data = _seed()
    data["agent"].phone_extension = "101"
    data["agent"].save()
    first = data["tickets"][0]
    Contact.objects.filter(pk=first.contact_id).update(
        phone="+7 (912) 345-67-89", phone_normalized="+79123456789"
    )
    pbx = PhoneSource.objects.create(name="pbx")
    base = live_server.url
    desk_login(page, base, "agent")
    page.wait_for_selector("table.tickets")

    _event(pbx, "started", "2026-12-04T05:00:00Z")
    _event(pbx, "answered", "2026-12-04T05:00:05Z")
    page.wait_for_selector("#call-card >> text=Carl Client", timeout=10_000)
    latest = data["tickets"][-1]  # the card lists the caller's five latest open tickets
    assert page.locator(f"#call-card a[href='/tickets/{latest.number}/']").count() == 1

    page.click("#call-card >> text=New ticket from this call")
    page.wait_for_url("**/tickets/new/?**")
    assert page.input_value("#f-title").startswith("Call from Carl Client")
    page.fill("#f-title", "Till reboots during the call")
    page.click("#intake button[type=submit] >> text=Create ticket")
    page.wait_for_url("**/tickets/*/")
    ticket = Ticket.objects.get(title="Till reboots during the call")
    assert ticket.channel == Channel.PHONE and ticket.contact_id == first.contact_id
    assert Call.objects.get().ticket_id == ticket.pk

    _event(pbx, "ended", "2026-12-04T05:04:05Z", recording_url="https://pbx.example/e2e-1.mp3")
    note = Comment.objects.get(ticket=ticket)
    assert "4 min 00 s" in note.body and "e2e-1.mp3" in note.body
    page.reload()
    page.wait_for_selector("text=e2e-1.mp3")
