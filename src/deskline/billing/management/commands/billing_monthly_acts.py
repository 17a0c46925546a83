"""`deskline manage billing_monthly_acts --month 2026-11 [--issue] [--pdf-dir DIR]`: every
company's acts for the month, a batch of companies at a time (PDFs rendered by a worker process
as the acts are made)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from deskline.billing.monthly_run import acts_monthly_run
from deskline.billing.pdf_folder import PdfFolder


def _previous_month() -> tuple[int, int]:
    first = timezone.localdate().replace(day=1)
    last_month = first - dt.timedelta(days=1)
    return last_month.year, last_month.month


class Command(BaseCommand):
    help = "Draft (and with --issue, issue) the month's acts of every company, a batch at a time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: the previous month)")
        parser.add_argument("--issue", action="store_true", help="issue the acts too")
        parser.add_argument("--pdf-dir", help="write each act's PDF into this folder")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            try:
                year, month = (int(part) for part in options["month"].split("-"))
                dt.date(year, month, 1)
            except ValueError as error:
                raise CommandError("--month takes YYYY-MM") from error
        else:
            year, month = _previous_month()
        if not options["pdf_dir"]:
            result = acts_monthly_run(year=year, month=month, issue=options["issue"])
        else:
            with PdfFolder(Path(options["pdf_dir"])) as write_pdf:
                result = acts_monthly_run(year=year, month=month, issue=options["issue"],
                                          on_act=write_pdf)  # fmt: skip
        self.stdout.write(f"{year}-{month:02d}: {result['acts']} acts for "
                          f"{result['companies']} companies")  # fmt: skip
