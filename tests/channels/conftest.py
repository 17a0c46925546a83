"""Fixtures for mail tests: a mailbox, raw-message builder, running queued jobs, real servers."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest

from deskline.channels.models import Mailbox
from deskline.notifications.services import outbox_flush
from deskline.tickets.events import event_dispatch
from deskline.tickets.models import TicketEvent
from tests.channels.mailservers import _dovecot, dovecot_server, smtp_sink  # noqa: F401 - fixtures


@pytest.fixture
def mailbox(db: None) -> Mailbox:
    return Mailbox.objects.create(name="support", address="support@desk.example")


def make_raw(
    *,
    sender: str = "Anna Petrova <anna@client.example>",
    to: str = "support@desk.example",
    subject: str = "Printer does not print",
    body: str = "The printer on the 2nd floor jams.",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Message-ID"] = message_id or make_msgid(domain="client.example")
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg.as_bytes()


@pytest.fixture
def raw_mail() -> Callable[..., bytes]:
    return make_raw


def run_jobs() -> dict[str, int]:
    """What the worker would do: dispatch ticket events, then send the outbox."""
    for event_id in TicketEvent.objects.filter(dispatched_at__isnull=True).values_list(
        "pk", flat=True
    ):
        event_dispatch(event_id)
    return outbox_flush()


@pytest.fixture
def jobs() -> Callable[[], Any]:
    return run_jobs


@pytest.fixture
def fake_telegram(settings: Any) -> Any:
    """A fake Bot API on loopback, and the settings pointing at it."""
    from tests.channels.fake_telegram import FakeBotApiServer

    with FakeBotApiServer() as api:
        settings.DESKLINE_TELEGRAM_API_URL = api.base_url
        yield api


@pytest.fixture
def telegram_bot(db: None) -> Any:
    from deskline.channels.telegram_models import TelegramBot
    from deskline.channels.vault import seal
    from tests.channels.fake_telegram import TOKEN

    return TelegramBot.objects.create(name="support", username="desk_bot", token=seal(TOKEN))
