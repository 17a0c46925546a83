"""Outbound Telegram: replies and notifications to a linked client who prefers Telegram, the
rating buttons of a resolved ticket, the outbox's retry after a 429."""

from __future__ import annotations

import pytest
from django.utils import timezone

from deskline.channels.telegram_linking import chat_link
from deskline.channels.telegram_models import TelegramChat, TelegramMessage
from deskline.channels.telegram_poll import poll_once
from deskline.feedback.models import SurveyInvite
from deskline.notifications.models import Outbox
from deskline.tickets.models import Ticket
from deskline.tickets.services import comment_add, ticket_change_status, ticket_create
from tests.channels.conftest import run_jobs
from tests.channels.fake_telegram import callback
from tests.factories import ContactUserFactory

pytestmark = pytest.mark.django_db
CHAT = 4242


@pytest.fixture
def client_chat(fake_telegram, telegram_bot):
    user = ContactUserFactory()
    chat = TelegramChat.objects.create(bot=telegram_bot, chat_id=CHAT, created_at=timezone.now())
    chat_link(chat=chat, contact=user.contact, by="code")
    return chat


@pytest.fixture
def ticket(client_chat, agent):
    contact = client_chat.contact
    made = ticket_create(actor=agent, title="Printer jams", contact_id=contact.pk,
                         company_id=contact.company_id, assignee_id=agent.pk)  # fmt: skip
    run_jobs()
    return made


def test_linking_sends_a_confirmation_to_the_chat(fake_telegram, client_chat):
    run_jobs()
    assert fake_telegram.sent[0]["chat_id"] == CHAT
    assert client_chat.contact.name in fake_telegram.sent[0]["text"]


def test_an_agents_public_reply_goes_to_the_chat_and_threads_back(
    fake_telegram, ticket, agent, telegram_bot
):
    comment_add(actor=agent, number=ticket.number, body="An engineer is on the way")
    run_jobs()
    last = fake_telegram.sent[-1]
    assert last["chat_id"] == CHAT and "An engineer is on the way" in last["text"]
    sent_id = fake_telegram.next_message_id
    mapped = TelegramMessage.objects.get(message_id=sent_id, direction="out")
    assert mapped.ticket_id == ticket.pk


def test_an_internal_note_never_reaches_the_chat(fake_telegram, ticket, agent):
    before = len(fake_telegram.sent)
    comment_add(actor=agent, number=ticket.number, body="secret note", is_public=False)
    run_jobs()
    assert all("secret note" not in m["text"] for m in fake_telegram.sent[before:])


def test_a_resolved_ticket_asks_for_a_rating_with_buttons_and_the_press_rates_it(
    fake_telegram, ticket, agent, telegram_bot
):
    ticket_change_status(actor=agent, number=ticket.number, status_code="resolved")
    run_jobs()
    resolved = fake_telegram.sent[-1]
    buttons = resolved["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in buttons] == [
        f"rate:{ticket.number}:{s}" for s in range(1, 6)
    ]
    fake_telegram.add(callback(1, CHAT, f"rate:{ticket.number}:5"))
    poll_once(telegram_bot, timeout=0)
    assert Ticket.objects.get(pk=ticket.pk).rating == 5
    assert SurveyInvite.objects.get(ticket=ticket).score == 5


def test_a_rating_for_another_clients_ticket_is_ignored(fake_telegram, ticket, telegram_bot, agent):
    other = ticket_create(actor=agent, title="Other", contact_id=ContactUserFactory().contact.pk)
    fake_telegram.add(callback(1, CHAT, f"rate:{other.number}:1"))
    poll_once(telegram_bot, timeout=0)
    assert Ticket.objects.get(pk=other.pk).rating is None


def test_a_long_429_leaves_the_message_queued_for_the_outboxs_retry(fake_telegram, ticket, agent):
    fake_telegram.throttle["sendMessage"] = 60
    comment_add(actor=agent, number=ticket.number, body="Reply")
    run_jobs()
    row = Outbox.objects.filter(channel="telegram", event="agent_replied").get()
    assert (row.status, row.attempts) == ("queued", 1)
    assert "429" in row.last_error and row.next_attempt_at > timezone.now()


def test_a_client_without_a_linked_chat_is_mailed(fake_telegram, telegram_bot, agent):
    user = ContactUserFactory()
    made = ticket_create(actor=agent, title="x", contact_id=user.contact.pk)
    comment_add(actor=agent, number=made.number, body="Reply")
    run_jobs()
    assert not Outbox.objects.filter(channel="telegram").exists()
    assert Outbox.objects.filter(channel="email", recipient=user.contact.email).exists()
