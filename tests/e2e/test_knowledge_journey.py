"""Knowledge-base journeys in Chromium: a client's question answered while typing a ticket (no
ticket is created), and a client who asks the bot, hands over, and an agent who reads the
conversation in the new ticket."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.accounts.models import Role
from deskline.knowledge.article_services import article_create
from deskline.knowledge.models import ArticleFeedback, Deflection
from deskline.tickets.models import Ticket
from tests.e2e.conftest import desk_login, portal_login
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    ContactFactory,
    ContactUserFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _seed() -> dict[str, Any]:
    admin = AdminFactory(username="admin")
    agent = UserFactory(username="agent", role=Role.AGENT)
    TeamFactory(name="First line", members=[agent])
    company = CompanyFactory(name="Acme Retail")
    for email in ("carl@acme.example", "dina@acme.example"):
        ContactUserFactory(username=email.split("@")[0], email=email,
                           contact=ContactFactory(company=company, email=email))  # fmt: skip
    jam = article_create(
        actor=admin, title="Paper jam in the cash register", state="published",
        audience="public", body="Switch the register off.\n\nPull the jammed paper out gently.",
    )  # fmt: skip
    return {"jam": jam}


def test_client_typing_a_ticket_finds_an_article_and_no_ticket_is_created(
    live_server: Any, page: Any
) -> None:
    world = _seed()
    base = live_server.url
    portal_login(page, base, "carl@acme.example")
    page.goto(f"{base}/portal/new/")
    page.fill("input[name=title]", "paper jam in cash register")
    suggestion = page.locator("#kb-suggest a", has_text="Paper jam in the cash register")
    suggestion.wait_for()
    page.click("#kb-suggest button:has-text('This solved it')")
    page.locator("#kb-suggest", has_text="No ticket was created").wait_for()
    page.goto(f"{base}/portal/help/articles/{world['jam'].pk}/")
    page.click("#kb-feedback button[value=yes]")
    page.locator("#kb-feedback", has_text="Thank you").wait_for()
    assert Deflection.objects.filter(source="portal_form").count() == 1
    assert ArticleFeedback.objects.get().helpful is True
    assert not Ticket.objects.exists()


def test_client_asks_the_bot_hands_over_and_the_agent_reads_the_conversation(
    live_server: Any, page: Any, browser: Any
) -> None:
    _seed()
    base = live_server.url
    portal_login(page, base, "dina@acme.example")
    page.goto(f"{base}/portal/help/chat/")
    page.fill("#kb-chat input[name=text]", "the cash register paper is jammed")
    page.click("#kb-chat .kb-say button")
    page.locator("#kb-chat .kb-msg-bot", has_text="Pull the jammed paper out").wait_for()
    page.click("#kb-chat button:has-text('Talk to a person')")
    page.locator("#kb-chat", has_text="Open the ticket").wait_for()
    ticket = Ticket.objects.get()
    agent_page = browser.new_context(locale="en-US").new_page()
    desk_login(agent_page, base, "agent")
    agent_page.goto(f"{base}/tickets/{ticket.number}/")
    body = agent_page.locator("body")
    for text in ("the cash register paper is jammed", "Paper jam in the cash register",
                 "Conversation with the support bot"):  # fmt: skip
        body.filter(has_text=text).wait_for()
