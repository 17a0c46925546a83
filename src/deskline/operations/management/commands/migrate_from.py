"""`deskline migrate-from SYSTEM …`: move tickets in from another help desk (see the README)."""

from __future__ import annotations

import csv
from argparse import ArgumentParser
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from deskline.core.statistics import statistics_after_load
from deskline.operations.migration.loader import MigrationReport, migrate
from deskline.operations.migration.readers import SYSTEMS, open_reader
from deskline.operations.migration.sourcedb import SourceError

SHOWN_PROBLEMS = 200


class Command(BaseCommand):
    help = (
        "Import tickets with their comments, files, statuses and dates from another help desk; "
        "running it again imports only what is new."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("system", choices=sorted(SYSTEMS))
        parser.add_argument("--database-url", default="",
                            help="the old database: sqlite:///path, postgres://…, mysql://…")  # fmt: skip
        parser.add_argument("--media-dir", type=Path, default=None,
                            help="django-helpdesk's MEDIA_ROOT (or osTicket's attachment folder)")  # fmt: skip
        parser.add_argument("--user-table", default="auth_user",
                            help="django-helpdesk's user table if the site swapped the user model")  # fmt: skip
        parser.add_argument("--table-prefix", default="ost_", help="osTicket's table prefix")
        parser.add_argument("--url", default="", help="Zammad's address, https://desk.example.com")
        parser.add_argument("--token", default="", help="a Zammad API token (ticket.agent)")
        parser.add_argument("--token-file", type=Path, default=None,
                            help="read the token from this file (kept out of the process list)")  # fmt: skip
        parser.add_argument("--groups-as", choices=["teams", "categories"], default="teams",
                            help="queues, departments or groups become teams or categories")  # fmt: skip
        parser.add_argument("--source", default="",
                            help="the name old ids are kept under (default: the system's name)")  # fmt: skip
        parser.add_argument("--mapping", type=Path, default=None,
                            help="write old number,new number of renumbered tickets to this CSV")  # fmt: skip
        parser.add_argument("--dry-run", action="store_true",
                            help="go through every ticket with the real services, then roll back")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if options["token_file"] is not None:
            try:
                options["token"] = options["token_file"].read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise CommandError(f"cannot read the token file: {exc}") from exc
        try:
            with ExitStack() as stack:
                reader = open_reader(options["system"], options, stack)
                with tqdm(total=reader.count(), unit="ticket", disable=None,
                          file=self.stderr._out) as bar:  # fmt: skip
                    report = migrate(
                        reader.tickets(), source=options["source"] or reader.source,
                        groups_as=options["groups_as"], dry_run=options["dry_run"],
                        max_number=reader.max_number(), progress=bar.update,
                    )  # fmt: skip
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        if not options["dry_run"]:  # a large import changes what the planner should choose
            self.stderr.write("Refreshing the database's statistics…")
            statistics_after_load()
        self._show(report, options)

    def _show(self, report: MigrationReport, options: dict[str, Any]) -> None:
        for problem in report.problems[:SHOWN_PROBLEMS]:
            self.stderr.write(problem)
        if len(report.problems) > SHOWN_PROBLEMS:
            self.stderr.write(f"… and {len(report.problems) - SHOWN_PROBLEMS} more problems")
        if report.unmatched_agents:
            self.stderr.write(
                "agents with no Deskline login (tickets left unassigned, comments signed with "
                "their name): " + ", ".join(report.unmatched_agents)
            )
        for old, new in report.renumbered[:SHOWN_PROBLEMS]:
            self.stdout.write(f"ticket {old} is now {new} (its number was taken)")
        if options["mapping"] is not None and not options["dry_run"]:
            with options["mapping"].open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["old_number", "new_number"])
                writer.writerows(report.renumbered)
        self.stdout.write(report.summary(dry_run=options["dry_run"]))
