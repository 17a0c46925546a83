"""Browser journeys of the desk's tools: the company search box, saved filters, reply templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from deskline.desk.models import SavedFilter
from deskline.tickets.models import Ticket, TicketType
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


def test_agent_filters_by_type_and_a_created_date_range(
    live_server: Any, page: Any, phone_page: Any
) -> None:
    data = _seed()
    visit = TicketType.objects.create(code="visit", name="Site visit")
    visits = data["tickets"][:3]
    Ticket.objects.filter(pk__in=[t.pk for t in visits]).update(type=visit)
    long_ago = timezone.now() - dt.timedelta(days=40)
    Ticket.objects.filter(pk=visits[0].pk).update(created_at=long_ago)
    today = timezone.localdate()  # the agent's zone is UTC, as the server's
    base = live_server.url
    desk_login(page, base, "agent")
    page.wait_for_selector("table.tickets")

    page.click("form.filters summary >> text=More filters")
    page.select_option("form.filters select[name=type]", label="Site visit")
    page.fill("form.filters input[name=created_from]", (today - dt.timedelta(days=7)).isoformat())
    page.fill("form.filters input[name=created_to]", today.isoformat())
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**created_from=**")
    numbers = {
        int(row.get_attribute("id").removeprefix("t-"))
        for row in page.locator("tr.ticket-row").all()
    }
    assert numbers == {visits[1].number, visits[2].number}
    # After the reload the folded filters are open and keep their values.
    assert page.locator("details.filters-more[open]").count() == 1
    assert page.input_value("input[name=created_to]") == today.isoformat()
    shot(page, "desk-more-filters-1280")

    desk_login(phone_page, base, "agent")
    phone_page.goto(page.url)
    phone_page.wait_for_selector("details.filters-more[open]")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone_page.locator("input[name=created_from]").is_visible()
    shot(phone_page, "desk-more-filters-390")


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
