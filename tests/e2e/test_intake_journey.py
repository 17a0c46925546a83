"""Done-when of issue 14: a phone call taken end to end from the keyboard on the intake page."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.clients.models import Contact
from deskline.tickets.models import Channel, Ticket
from tests.e2e.conftest import desk_login
from tests.e2e.test_journeys import _seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_dispatcher_takes_a_call_with_the_keyboard_only(live_server: Any, page: Any) -> None:
    data = _seed()
    first = data["tickets"][0]
    Contact.objects.filter(pk=first.contact_id).update(
        phone="+7 (912) 345-67-89", phone_normalized="+79123456789"
    )
    base = live_server.url
    desk_login(page, base, "agent")
    page.wait_for_selector("table.tickets")

    page.keyboard.press("n")
    page.wait_for_url(f"{base}/tickets/new/")
    page.keyboard.type("8 912 345 67 89")
    page.wait_for_selector("#caller-hits a >> text=Carl Client")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**contact=**")
    assert page.locator(f"#open-tickets >> text=#{first.number}").count() == 1

    # The caller box has the focus again; the equipment box comes next, then the title.
    page.keyboard.press("Tab")  # equipment of the caller's company
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # title
    page.keyboard.type("Till shows error E-17")
    page.keyboard.press("Tab")  # description
    page.keyboard.type("Caller says it started after the update.")
    page.wait_for_selector("#intake-preview >> text=Resolution due")
    page.keyboard.press("Shift+Tab")  # back to the title
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_url("**/tickets/*/")
    ticket = Ticket.objects.get(title="Till shows error E-17")
    assert ticket.channel == Channel.PHONE and ticket.equipment_id is not None

    page.goto(f"{base}/?view=open")
    assert page.locator(f"tr#t-{ticket.number}").count() == 1
