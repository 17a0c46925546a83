"""`deskline manage billing_monthly_acts --month 2026-11 [--issue] [--pdf-dir DIR]`: every
company's acts for the month, one company at a time (PDFs written as they are made)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from deskline.billing.documents import act_document
from deskline.billing.models import Act
from deskline.billing.monthly_run import acts_monthly_run
from deskline.billing.pdf import act_pdf


def _previous_month() -> tuple[int, int]:
    first = timezone.localdate().replace(day=1)
    last_month = first - dt.timedelta(days=1)
    return last_month.year, last_month.month


class Command(BaseCommand):
    help = "Draft (and with --issue, issue) the month's acts of every company, one at a time."

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
        folder = Path(options["pdf_dir"]) if options["pdf_dir"] else None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

        def write_pdf(act: Act) -> None:
            assert folder is not None
            name = f"act-{act.display_number.replace(' ', '-')}.pdf"
            (folder / name).write_bytes(act_pdf(act_document(act)))

        result = acts_monthly_run(year=year, month=month, issue=options["issue"],
                                  on_act=write_pdf if folder else None)  # fmt: skip
        self.stdout.write(f"{year}-{month:02d}: {result['acts']} acts for "
                          f"{result['companies']} companies")  # fmt: skip
