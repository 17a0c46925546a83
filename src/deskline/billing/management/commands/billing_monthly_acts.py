"""`deskline manage billing_monthly_acts --month 2026-11 [--issue]`: every company's acts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from deskline.billing.act_services import acts_monthly_run


def _previous_month() -> tuple[int, int]:
    first = timezone.localdate().replace(day=1)
    last_month = first - dt.timedelta(days=1)
    return last_month.year, last_month.month


class Command(BaseCommand):
    help = "Draft (and with --issue, issue) the month's acts of every company, one at a time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: the previous month)")
        parser.add_argument("--issue", action="store_true", help="issue the acts too")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            try:
                year, month = (int(part) for part in options["month"].split("-"))
                dt.date(year, month, 1)
            except ValueError as error:
                raise CommandError("--month takes YYYY-MM") from error
        else:
            year, month = _previous_month()
        result = acts_monthly_run(year=year, month=month, issue=options["issue"])
        self.stdout.write(f"{year}-{month:02d}: {result['acts']} acts for "
                          f"{result['companies']} companies")  # fmt: skip
