"""`manage.py demo --tickets N [--seed S]`: the same demo data as `deskline demo`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create realistic demo data: clients, equipment, staff and a year of tickets."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--tickets", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--users-password", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        from deskline.core.statistics import statistics_after_load
        from deskline.demo.generate import demo_generate
        from deskline.demo.store import DemoSetupError

        if options["tickets"] < 1:
            raise CommandError("--tickets must be at least 1")
        try:
            summary = demo_generate(
                tickets=options["tickets"],
                seed=options["seed"],
                users_password=options["users_password"],
            )
        except DemoSetupError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write("Refreshing the database's statistics…")
        statistics_after_load()
        self.stdout.write(
            f"Created {summary.tickets} demo tickets in {summary.seconds:.1f} s; seed {summary.seed}."
        )
