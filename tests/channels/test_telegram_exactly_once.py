"""Kill `deskline telegram poll` (SIGKILL) mid-batch and restart it (twice over, concurrently):
every update produced exactly one ticket or comment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from django.utils import timezone

from deskline.channels.telegram_models import TelegramBot, TelegramChat, TelegramUpdate
from deskline.tickets.models import Comment, Ticket
from tests.channels.fake_telegram import TOKEN, FakeBotApiServer, message
from tests.channels.test_exactly_once import _database_url
from tests.factories import ContactFactory

CHATS = 40
ROUNDS = 3  # each chat: a message opening its ticket, then two comments
KILL_AFTER = 60  # lines of output: in the middle of the first getUpdates batch (100 updates)


def _poller(base_url: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "deskline.settings",
        "DESKLINE_TELEGRAM_API_URL": base_url,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "deskline.cli", "telegram", "poll", "--until-idle",
         "--timeout", "0", "--no-send"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_poller_restarted_processes_every_update_exactly_once():
    # A plain token: the poller process may not share this process's SECRET_KEY.
    bot = TelegramBot.objects.create(name="support", token=TOKEN)
    now = timezone.now()
    for c in range(CHATS):
        TelegramChat.objects.create(bot=bot, chat_id=9000 + c, contact=ContactFactory(),
                                    created_at=now)  # fmt: skip
    with FakeBotApiServer() as api:
        for r in range(ROUNDS):
            for c in range(CHATS):
                api.add(message(r * CHATS + c + 1, 9000 + c, f"chat {c} message {r}"))
        first = _poller(api.base_url)
        assert first.stdout is not None
        for _ in range(KILL_AFTER):
            assert first.stdout.readline(), "the poller stopped before it was killed"
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        assert first.returncode == -signal.SIGKILL
        processed = TelegramUpdate.objects.filter(status="processed").count()
        assert KILL_AFTER <= processed < CHATS * ROUNDS
        # The restart and a concurrent second poller over whatever is left.
        pollers = [_poller(api.base_url), _poller(api.base_url)]
        outputs = [p.communicate(timeout=300)[0] for p in pollers]
        assert [p.returncode for p in pollers] == [0, 0], outputs

    assert TelegramUpdate.objects.count() == CHATS * ROUNDS
    assert TelegramUpdate.objects.filter(status="processed").count() == CHATS * ROUNDS
    assert Ticket.objects.count() == CHATS
    assert Comment.objects.count() == CHATS * (ROUNDS - 1)
    for c in range(CHATS):
        ticket = Ticket.objects.get(title=f"chat {c} message 0")
        bodies = sorted(Comment.objects.filter(ticket=ticket).values_list("body", flat=True))
        assert bodies == [f"<p>chat {c} message {r}</p>" for r in range(1, ROUNDS)]
    bot.refresh_from_db()
    assert bot.update_offset == CHATS * ROUNDS + 1
