"""Print the breach-risk calibration table on demo-like synthetic history."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from deskline.sla.calibration import calibrate, format_table


class Command(BaseCommand):
    help = "Predicted breach probability buckets against observed breach rates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--history", type=int, default=20_000)
        parser.add_argument("--trials", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, history: int, trials: int, seed: int, **options: Any) -> None:
        self.stdout.write(format_table(calibrate(history=history, trials=trials, seed=seed)))
        self.stdout.write(
            f"\nreproduce: deskline manage sla_calibration --history {history} "
            f"--trials {trials} --seed {seed}"
        )
