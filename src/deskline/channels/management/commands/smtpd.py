"""`deskline smtpd`: an SMTP listener that feeds received mail into intake."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deskline.channels.models import Mailbox
from deskline.channels.smtp import IntakeHandler


class Command(BaseCommand):
    help = "Listen for SMTP and turn every received message into a ticket or a comment."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--mailbox", default="", help="accept any recipient into this mailbox")
        parser.add_argument("--max-bytes", type=int, default=50 * 1024 * 1024)

    def handle(self, *args: Any, **options: Any) -> None:
        from aiosmtpd.controller import Controller

        # aiosmtpd logs every SMTP command at INFO; keep the log to problems.
        logging.getLogger("mail.log").setLevel(logging.WARNING)

        default_id = None
        if options["mailbox"]:
            mailbox = Mailbox.objects.filter(name=options["mailbox"]).first()
            if mailbox is None:
                raise CommandError(f"no mailbox named {options['mailbox']!r}")
            default_id = mailbox.pk
        controller = Controller(
            IntakeHandler(default_id),
            hostname=options["host"],
            port=options["port"],
            data_size_limit=options["max_bytes"],
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        controller.start()
        self.stdout.write(f"SMTP intake listening on {options['host']}:{options['port']}")
        self.stdout.flush()
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
