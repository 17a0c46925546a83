"""`deskline mail poll [--loop]`: poll the IMAP mailboxes and send the outbox, once or forever."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from deskline.channels.tasks import poll_round
from deskline.notifications.services import outbox_flush


class Command(BaseCommand):
    help = "Poll every active IMAP mailbox, process left-over mail and send due notifications."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="repeat until stopped")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between rounds")
        parser.add_argument("--no-send", action="store_true", help="do not send the outbox")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            close_old_connections()
            counts = poll_round()
            if not options["no_send"]:
                counts |= {f"outbox_{k}": v for k, v in outbox_flush().items()}
            self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(counts.items())))
            self.stdout.flush()
            if not options["loop"]:
                return
            time.sleep(options["interval"])
