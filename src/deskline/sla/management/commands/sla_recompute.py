"""Recompute the deadlines of open tickets (all, or on given calendars/policies)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from deskline.sla.recompute import deadlines_recompute


class Command(BaseCommand):
    help = "Recompute open tickets' SLA deadlines with the current calendars and policies."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--calendar", type=int, action="append", dest="calendars")
        parser.add_argument("--policy", type=int, action="append", dest="policies")

    def handle(
        self, *args: Any, calendars: list[int] | None, policies: list[int] | None, **options: Any
    ) -> None:
        started = time.monotonic()
        changed = deadlines_recompute(calendar_ids=calendars, policy_ids=policies)
        self.stdout.write(f"{changed} tickets changed in {time.monotonic() - started:.2f}s")
