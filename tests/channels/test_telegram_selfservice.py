"""The support bot answering in Telegram first (self-service on): an answer with "Solved" /
"Talk to a person" buttons, a handover that opens the ticket in the Telegram channel."""

from __future__ import annotations

import pytest
from django.utils import timezone

from deskline.channels.telegram_models import TelegramChat, TelegramUpdate
from deskline.channels.telegram_poll import poll_once
from deskline.knowledge.article_services import category_create
from deskline.knowledge.bot_models import Conversation
from deskline.knowledge.models import Deflection
from deskline.notifications.services import outbox_flush
from deskline.tickets.models import Ticket
from tests.channels.fake_telegram import callback, message
from tests.factories import CompanyFactory, ContactFactory, ContactUserFactory
from tests.knowledge.factories import article

pytestmark = pytest.mark.django_db
CHAT = 3131


@pytest.fixture
def chat(telegram_bot):
    telegram_bot.self_service = True
    telegram_bot.save()
    user = ContactUserFactory(contact=ContactFactory(company=CompanyFactory()))
    return TelegramChat.objects.create(bot=telegram_bot, chat_id=CHAT, contact=user.contact,
                                       linked_at=timezone.now(), created_at=timezone.now())  # fmt: skip


@pytest.fixture
def paper(admin):
    cat = category_create(actor=admin, name="Cash registers")
    return article(title="Замятие бумаги в кассе", category_id=cat.pk,
                   body="Выключите кассу.\n\nАккуратно вытащите смятую ленту из кассы.")  # fmt: skip


def poll(bot) -> None:
    bot.refresh_from_db()
    poll_once(bot, timeout=0)


def test_the_bot_answers_in_the_chat_and_no_ticket_is_opened(fake_telegram, chat, paper):
    fake_telegram.add(message(1, CHAT, "замятие ленты в кассе"))
    poll(chat.bot)
    outbox_flush()
    answer = fake_telegram.sent[-1]
    assert "смятую ленту" in answer["text"]
    data = [b["callback_data"] for b in answer["reply_markup"]["inline_keyboard"][0]]
    assert data[0].startswith("kb:solved:") and data[1].startswith("kb:person:")
    assert not Ticket.objects.exists()
    assert TelegramUpdate.objects.get().status == "processed"


def test_solved_counts_as_deflected(fake_telegram, chat, paper):
    fake_telegram.add(message(1, CHAT, "замятие ленты в кассе"))
    poll(chat.bot)
    conversation = Conversation.objects.get()
    fake_telegram.add(callback(2, CHAT, f"kb:solved:{conversation.pk}"))
    poll(chat.bot)
    assert Deflection.objects.count() == 1 and not Ticket.objects.exists()


def test_talk_to_a_person_opens_a_telegram_ticket_with_the_conversation(fake_telegram, chat, paper):
    fake_telegram.add(message(1, CHAT, "замятие ленты в кассе"))
    poll(chat.bot)
    conversation = Conversation.objects.get()
    fake_telegram.add(callback(2, CHAT, f"kb:person:{conversation.pk}"))
    fake_telegram.add(message(3, CHAT, "it is model X-100"))
    poll(chat.bot)
    ticket = Ticket.objects.get()
    assert ticket.channel == "telegram" and ticket.contact_id == chat.contact_id
    assert "замятие ленты" in ticket.description
    assert ticket.comments.get().body == "<p>it is model X-100</p>"  # the conversation goes on


def test_without_an_answer_the_bot_hands_over_at_once(fake_telegram, chat):
    fake_telegram.add(message(1, CHAT, "the coffee machine is on fire"))
    poll(chat.bot)
    ticket = Ticket.objects.get()
    assert ticket.channel == "telegram"
    outbox_flush()
    assert f"#{ticket.number}" in fake_telegram.sent[-1]["text"]


def test_a_contact_without_a_portal_login_gets_a_ticket_directly(fake_telegram, telegram_bot):
    telegram_bot.self_service = True
    telegram_bot.save()
    TelegramChat.objects.create(bot=telegram_bot, chat_id=CHAT, contact=ContactFactory(),
                                created_at=timezone.now())  # fmt: skip
    fake_telegram.add(message(1, CHAT, "Printer jams"))
    poll(telegram_bot)
    assert Ticket.objects.get().title == "Printer jams"


def test_a_scripted_flows_buttons_reach_the_chat_and_a_press_answers(fake_telegram, chat, admin):
    from deskline.knowledge.bot_flows import flow_save
    from deskline.knowledge.bot_models import BotFlow, BotFlowStep

    flow_save(actor=admin, flow=BotFlow(name="Printer", triggers="printer", start_step="q"),
              steps=[BotFlowStep(key="q", kind="ask", text="Is it on?", buttons="Yes\nNo => off",
                                 next_step="on"),
                     BotFlowStep(key="on", kind="message", text="Check the paper."),
                     BotFlowStep(key="off", kind="message", text="Switch it on.")])  # fmt: skip
    fake_telegram.add(message(1, CHAT, "the printer is silent"))
    poll(chat.bot)
    outbox_flush()
    question = fake_telegram.sent[-1]
    buttons = [row[0] for row in question["reply_markup"]["inline_keyboard"]]
    assert question["text"] == "Is it on?" and [b["text"] for b in buttons] == ["Yes", "No"]
    fake_telegram.add(callback(2, CHAT, buttons[1]["callback_data"]))
    poll(chat.bot)
    outbox_flush()
    assert fake_telegram.sent[-1]["text"] == "Switch it on." and not Ticket.objects.exists()


def test_a_flows_webhook_is_called_after_the_commit_and_its_reply_is_said_in_the_chat(
    fake_telegram, chat, admin, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import connection

    from deskline.core import egress
    from deskline.knowledge.bot_flows import flow_save
    from deskline.knowledge.bot_models import BotFlow, BotFlowStep

    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["hooks.example.com"]
    flow_save(actor=admin, flow=BotFlow(name="Unlock", triggers="unlock", start_step="call",
                                        webhook_url="https://hooks.example.com/unlock"),
              steps=[BotFlowStep(key="call", kind="webhook", next_step="done"),
                     BotFlowStep(key="done", kind="message", text="Anything else?")])  # fmt: skip
    depth: list[bool] = []

    def remote(*args, **kwargs):
        depth.append(connection.in_atomic_block)
        return egress.Reply(200, b'{"message": "Unlocked."}')

    monkeypatch.setattr(egress, "post_json", remote)
    fake_telegram.add(message(1, CHAT, "please unlock my account"))
    with django_capture_on_commit_callbacks(execute=False) as hooks:
        poll(chat.bot)
    assert depth == []  # nothing was called while the update was being written
    for hook in hooks:
        hook()
    outbox_flush()
    assert len(depth) == 1  # called once, from the on-commit hook
    assert [m["text"] for m in fake_telegram.sent][-2:] == ["Unlocked.", "Anything else?"]
    assert TelegramUpdate.objects.get().status == "processed"
