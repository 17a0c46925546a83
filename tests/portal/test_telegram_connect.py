"""The portal's "Connect Telegram": a one-time code for the signed-in contact."""

from __future__ import annotations

import re

import pytest

from deskline.channels.telegram_models import TelegramBot, TelegramLinkCode
from tests.factories import ContactUserFactory

pytestmark = pytest.mark.django_db


def test_the_page_gives_a_deep_link_with_a_one_time_code_of_the_contact(client):
    TelegramBot.objects.create(name="support", username="desk_bot", token="x")
    user = ContactUserFactory()
    client.force_login(user)
    page = client.post("/portal/telegram/").content.decode()
    code = re.search(r"https://t.me/desk_bot\?start=([\w-]+)", page)
    assert code is not None
    row = TelegramLinkCode.objects.get()
    assert row.contact_id == user.contact.pk and row.used_at is None
    assert code.group(1) not in row.code_digest  # only a digest of the code is kept


def test_without_a_bot_the_page_says_so_and_makes_no_code(client):
    client.force_login(ContactUserFactory())
    page = client.post("/portal/telegram/").content.decode()
    assert "not connected" in page
    assert not TelegramLinkCode.objects.exists()


def test_opening_the_page_makes_no_code(client):
    TelegramBot.objects.create(name="support", username="desk_bot", token="x")
    client.force_login(ContactUserFactory())
    assert client.get("/portal/telegram/").status_code == 200
    assert not TelegramLinkCode.objects.exists()
