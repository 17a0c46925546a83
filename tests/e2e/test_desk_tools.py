"""Browser journeys of the desk's tools: the company search box, saved filters, reply templates."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.desk.models import SavedFilter
from deskline.tickets.models import Ticket
from tests.e2e.conftest import desk_login, shot
from tests.e2e.test_journeys import _seed
from tests.knowledge.factories import ReplyTemplateFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_agent_filters_by_company_saves_the_filter_and_reopens_it(
    live_server: Any, page: Any
) -> None:
    data = _seed()
    base = live_server.url
    desk_login(page, base, "agent")
    page.wait_for_selector("table.tickets")

    page.fill("input[name=company_name]", "acme")
    page.click(".combo-list button >> text=Acme Retail")
    page.select_option("form.filters select[name=priority]", label="High")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**company=**")
    assert page.locator("tr.ticket-row").count() == 2
    assert page.input_value("input[name=company_name]") == "Acme Retail"

    page.click("summary >> text=Save or manage filters")
    page.fill("form.saved-new input[name=name]", "Urgent Acme")
    page.click("form.saved-new button[type=submit]")
    page.wait_for_selector("text=Filter “Urgent Acme” saved.")
    shot(page, "desk-saved-filter-1280")

    page.goto(f"{base}/?view=open")
    assert page.locator("tr.ticket-row").count() == len(data["tickets"])
    page.click("a.chip >> text=Urgent Acme")
    page.wait_for_url("**saved=**")
    assert page.locator("tr.ticket-row").count() == 2
    assert page.locator("a.chip.is-active").inner_text() == "Urgent Acme"
    saved = SavedFilter.objects.get(owner=data["agent"])
    assert saved.params["company"] == [data["tickets"][0].company_id]


def test_agent_inserts_a_reply_template_and_sends_the_reply(live_server: Any, page: Any) -> None:
    data = _seed()
    ReplyTemplateFactory(
        name="Engineer on the way",
        body="Hello {{ contact_name }}, an engineer is on the way (ticket #{{ ticket.number }}).",
    )
    ticket: Ticket = data["tickets"][0]
    base = live_server.url
    desk_login(page, base, "agent")
    page.goto(f"{base}/tickets/{ticket.number}/")

    page.fill("textarea[name=body]", "Thank you for the report.")
    page.select_option(".reply-tools select[name=template]", label="Engineer on the way")
    expected = f"Hello Carl Client, an engineer is on the way (ticket #{ticket.number})."
    page.wait_for_function(
        "text => document.querySelector('textarea[name=body]').value.includes(text)", arg=expected
    )
    assert page.input_value("textarea[name=body]") == f"Thank you for the report.\n\n{expected}"
    assert page.input_value(".reply-tools select[name=template]") == ""
    shot(page, "desk-reply-template-1280")

    page.click("form[action$='/reply/'] button[type=submit]")
    page.wait_for_selector("text=Reply sent.")
    assert expected in ticket.comments.get().body
