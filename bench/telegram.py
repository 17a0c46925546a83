"""Benchmark of Telegram intake: updates per second through one poller (`poll_once` rounds of
getUpdates against the loopback fake Bot API of the tests, 100 updates a batch).

The mix: a third of the updates open tickets (one per linked chat), the rest are follow-ups in
the conversation (comments); then the same batch is delivered again (offset reset, as after a
crash) and must add nothing. Each update goes the whole way: stored raw, read, the chat locked,
ticket or comment written with its event and job rows.

    python bench/telegram.py                                # SQLite in a temporary folder
    python bench/telegram.py --updates 3000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deskline_bench python bench/telegram.py

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(data_dir: Path, api_url: str) -> None:
    os.environ.setdefault("DESKLINE_DATA_DIR", str(data_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
    os.environ.setdefault("DESKLINE_LOG_LEVEL", "ERROR")
    os.environ["DESKLINE_TELEGRAM_API_URL"] = api_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _drain(bot: object) -> int:
    from deskline.channels.telegram_poll import poll_once

    total = 0
    while True:
        bot.refresh_from_db()  # type: ignore[attr-defined]
        got = poll_once(bot, timeout=0)  # type: ignore[arg-type]
        if not got:
            return total
        total += got


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=1500)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    from tests.channels.fake_telegram import TOKEN, FakeBotApiServer, message

    with tempfile.TemporaryDirectory() as folder, FakeBotApiServer() as api:
        _setup(Path(folder), api.base_url)
        from django.db import connection
        from django.utils import timezone

        from deskline.channels.telegram_models import TelegramBot, TelegramChat, TelegramUpdate
        from deskline.clients.models import Company, Contact
        from deskline.tickets.models import Comment, Ticket

        TelegramBot.objects.filter(name="bench").delete()
        bot = TelegramBot.objects.create(name=f"bench{time.time_ns()}", token=TOKEN)
        chats = max(1, args.updates // 3)
        company = Company.objects.create(name="Bench client")
        base_chat = time.time_ns() % 10**9 * 1000
        for c in range(chats):
            contact = Contact.objects.create(company=company, name=f"Client {c}")
            TelegramChat.objects.create(
                bot=bot, chat_id=base_chat + c, contact=contact, created_at=timezone.now()
            )
        updates = [message(i + 1, base_chat + i % chats, f"Printer {i % chats} message {i // chats}")
                   for i in range(args.updates)]  # fmt: skip
        tickets0, comments0 = Ticket.objects.count(), Comment.objects.count()
        from deskline.tickets.deciders import warm_deciders

        warm_deciders()  # as `deskline telegram poll` does when it starts
        for u in updates:
            api.add(u)
        statements = [0]

        def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            statements[0] += 1
            return execute(sql, params, many, context)

        started, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(count):
            done = _drain(bot)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        # Redelivery: Telegram sends the whole history again (offset back to 0).
        for u in updates:
            api.add(u)
        TelegramBot.objects.filter(pk=bot.pk).update(update_offset=0)
        started2 = time.perf_counter()
        _drain(bot)
        elapsed2 = time.perf_counter() - started2
        new_tickets = Ticket.objects.count() - tickets0
        new_comments = Comment.objects.count() - comments0
        processed = TelegramUpdate.objects.filter(bot=bot, status="processed").count()
        print(f"database: {connection.vendor}")
        print(f"updates: {done} in {elapsed:.1f} s = {done / elapsed:.0f} updates/s (one poller)")
        print(f"per update: {statements[0] / done:.1f} SQL statements (savepoints included, "
              f"commits not), {cpu / done * 1000:.1f} ms of this process's CPU")  # fmt: skip
        print(f"tickets: {new_tickets}, comments: {new_comments}, processed: {processed}")
        print(f"redelivery of all {len(updates)}: {elapsed2:.1f} s, "
              f"{len(updates) / elapsed2:.0f} updates/s, nothing added: "
              f"{Ticket.objects.count() - tickets0 == new_tickets}")  # fmt: skip
        print(f"command: python bench/telegram.py --updates {args.updates}")


if __name__ == "__main__":
    main()
