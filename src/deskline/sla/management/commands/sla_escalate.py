"""Run the SLA job (breach flags, escalation steps, breach risk) once or in a loop."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from deskline.sla.tasks import sla_run


class Command(BaseCommand):
    help = "Flag breaches, fire due escalation steps and update breach risk (each step once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="Run until interrupted")
        parser.add_argument("--interval", type=int, default=60, help="Seconds between runs")

    def handle(self, *args: Any, loop: bool, interval: int, **options: Any) -> None:
        while True:
            started = time.monotonic()
            result = sla_run()
            self.stdout.write(f"{result} in {time.monotonic() - started:.2f}s")
            if not loop:
                return
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
