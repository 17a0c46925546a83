"""Benchmark of mail: messages per second through intake (one worker), and the notification
send rate through the outbox to a real SMTP server (aiosmtpd) on 127.0.0.1.

The intake mix is new tickets (plain text), replies that thread by subject token, HTML-only
mail, mail with a PDF attachment, and auto-replies (ignored). Each message goes through the
whole path: raw stored, parsed, loop guard, threading, sender match, ticket or comment write,
event and job rows.

    python bench/mail.py                                   # SQLite in a temporary folder
    python bench/mail.py --messages 2000 --notifications 1000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deskline_bench python bench/mail.py

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _setup(data_dir: Path) -> None:
    os.environ.setdefault("DESKLINE_DATA_DIR", str(data_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
    os.environ.setdefault("DESKLINE_LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _message(i: int, threads: list[str]) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Client {i % 200} <client{i % 200}@client{i % 20}.example>"
    msg["To"] = "support@desk.example"
    msg["Message-ID"] = f"<bench-{i}-{time.time_ns()}@client.example>"
    kind = i % 5
    if kind == 1 and threads:
        msg["Subject"] = "Re: Printer"
        msg["In-Reply-To"] = f"<{threads[i % len(threads)]}>"
        msg.set_content("Still broken.\n\nOn Mon, Support wrote:\n> Please restart it.\n")
    elif kind == 2:
        msg["Subject"] = f"HTML request {i}"
        msg.set_content(f"<p>The <b>scanner</b> {i} is offline</p>", subtype="html")
    elif kind == 3:
        msg["Subject"] = f"Invoice {i}"
        msg.set_content("See the attached scan.")
        msg.add_attachment(
            b"%PDF-1.4 " + b"x" * 20_000, maintype="application", subtype="pdf", filename="scan.pdf"
        )
    elif kind == 4:
        msg["Subject"] = "Out of office"
        msg["Auto-Submitted"] = "auto-replied"
        msg.set_content("I am away until Monday.")
    else:
        msg["Subject"] = f"Printer {i} does not print"
        msg.set_content("The printer on the 2nd floor jams on every page.\n-- \nClient")
    return msg.as_bytes()


def bench_intake(count: int) -> tuple[float, dict[str, int]]:
    from deskline.channels.models import Mailbox
    from deskline.channels.services import mail_ingest, message_key

    mailbox, _ = Mailbox.objects.get_or_create(name="bench", defaults={"rate_limit": 0})
    threads: list[str] = []
    for raw in [_message(i, []) for i in range(20)]:  # warm-up; replies thread onto these
        result = mail_ingest(mailbox=mailbox, raw=raw)
        if result.ticket_number and not result.comment_id:
            threads.append(str(message_key(raw)[1]))
    raws = [_message(i, threads) for i in range(count)]
    outcomes: dict[str, int] = {}
    started = time.perf_counter()
    for raw in raws:
        summary = mail_ingest(mailbox=mailbox, raw=raw).summary.split(" ")[0].rstrip(":")
        outcomes[summary] = outcomes.get(summary, 0) + 1
    return count / (time.perf_counter() - started), outcomes


class _Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.count += 1
        return "250 OK"


def bench_send(count: int) -> tuple[float, int]:
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.db import transaction

    from deskline.notifications.services import notification_queue, outbox_flush

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    try:
        with transaction.atomic():
            for i in range(count):
                notification_queue(
                    event="sender_refused",
                    recipient=f"user{i}@client.example",
                    context={"subject": f"request {i}"},
                )
        started = time.perf_counter()
        sent = 0
        while True:
            counts = outbox_flush(limit=count)
            sent += counts.get("sent", 0)
            if not counts:
                break
        rate = sent / (time.perf_counter() - started)
    finally:
        controller.stop()
    return rate, sink.count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--notifications", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deskline-bench-") as folder:
        _setup(Path(folder))
        from django.db import connection

        intake_rate, outcomes = bench_intake(args.messages)
        send_rate, received = bench_send(args.notifications)
        command = " ".join(["python", "bench/mail.py", *sys.argv[1:]])
        print(f"database: {connection.vendor}")
        print(
            f"intake: {intake_rate:.1f} messages/s per worker ({args.messages} messages: {outcomes})"
        )
        print(
            f"send:   {send_rate:.1f} notifications/s per worker ({received} received by the SMTP server)"
        )
        print(f"command: {command}")


if __name__ == "__main__":
    main()
