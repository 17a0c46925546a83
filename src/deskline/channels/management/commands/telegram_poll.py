"""`deskline telegram poll`: receive the bots' updates by long polling, until stopped."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from deskline.channels.telegram import UpdateOutcome, bots_to_poll
from deskline.channels.telegram_client import BotApiError
from deskline.channels.telegram_poll import poll_once
from deskline.notifications.services import outbox_flush
from deskline.tickets.deciders import warm_deciders

ERROR_PAUSE_SECONDS = 5.0


class Command(BaseCommand):
    help = "Receive Telegram updates by long polling (getUpdates) for every active polling bot."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--timeout", type=int, default=25, help="long-poll seconds")
        parser.add_argument(
            "--until-idle", action="store_true", help="stop after a round with no updates"
        )
        parser.add_argument("--no-send", action="store_true", help="do not send the outbox")

    def _report(self, outcome: UpdateOutcome) -> None:
        self.stdout.write(outcome.summary)
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        warm_deciders()
        while True:
            close_old_connections()
            bots = list(bots_to_poll())
            if not bots and options["until_idle"]:
                raise CommandError("no active Telegram bot uses polling")
            received = 0
            for bot in bots:
                try:
                    received += poll_once(bot, timeout=options["timeout"], report=self._report)
                except BotApiError as exc:
                    self.stderr.write(f"{bot.name}: {exc}")
                    time.sleep(ERROR_PAUSE_SECONDS)
                except Exception as exc:  # the database went away: keep the poller alive
                    if options["until_idle"]:
                        raise
                    self.stderr.write(f"{bot.name}: {type(exc).__name__}: {exc}")
                    time.sleep(ERROR_PAUSE_SECONDS)
            if not options["no_send"]:
                outbox_flush()
            if options["until_idle"] and received == 0:
                return
            if not bots:
                time.sleep(options["timeout"] or 1)
