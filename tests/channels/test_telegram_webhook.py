"""The Telegram webhook endpoint and its installation (setWebhook with a secret token)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from deskline.channels.telegram import webhook_install
from deskline.channels.telegram_models import TelegramChat, TelegramUpdate
from deskline.tickets.models import Ticket
from tests.channels.fake_telegram import message
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
CHAT = 777


def _post(bot_id: int, body: dict, secret: str) -> object:
    return Client().post(
        f"/api/v1/channels/telegram/{bot_id}",
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
    )


@pytest.fixture
def installed(fake_telegram, telegram_bot) -> str:
    webhook_install(bot=telegram_bot, base_url="https://desk.example")
    return str(fake_telegram.webhook["secret_token"])


def test_installing_the_webhook_gives_telegram_our_url_and_a_secret(fake_telegram, installed):
    hook = fake_telegram.webhook
    assert hook["url"].startswith("https://desk.example/api/v1/channels/telegram/")
    assert len(installed) >= 32 and "callback_query" in hook["allowed_updates"]


def test_an_update_with_the_secret_opens_a_ticket_once(telegram_bot, installed):
    contact = ContactFactory()
    TelegramChat.objects.create(bot=telegram_bot, chat_id=CHAT, contact=contact,
                                created_at=timezone.now())  # fmt: skip
    first = _post(telegram_bot.pk, message(10, CHAT, "Printer jams"), installed)
    again = _post(telegram_bot.pk, message(10, CHAT, "Printer jams"), installed)
    assert first.status_code == 200 and first.json()["status"] == "processed"
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert Ticket.objects.get().channel == "telegram"


def test_a_wrong_secret_is_refused_and_nothing_stored(telegram_bot, installed):
    response = _post(telegram_bot.pk, message(10, CHAT, "hi"), "wrong")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert not TelegramUpdate.objects.exists()


def test_a_bot_without_an_installed_webhook_refuses_every_secret(telegram_bot):
    assert _post(telegram_bot.pk, message(10, CHAT, "hi"), "").status_code == 401


def test_a_body_that_is_not_an_update_is_a_validation_error(telegram_bot, installed):
    response = _post(telegram_bot.pk, {"hello": 1}, installed)
    assert response.status_code == 422
    assert not TelegramUpdate.objects.exists()
