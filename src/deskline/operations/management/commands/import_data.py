"""`deskline import KIND FILE [--source NAME] [--dry-run]`: bring in data from another system."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from deskline.operations.import_columns import KINDS
from deskline.operations.importer import ImportFileError, import_rows, table_read

SHOWN_PROBLEMS = 200


class Command(BaseCommand):
    help = (
        "Import companies, contacts, sites, equipment, tickets or comments from a CSV or XLSX "
        "file with a header row; every kind needs an external_id column."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", default="import",
                            help="the system the file comes from; external ids are per source")  # fmt: skip
        parser.add_argument("--dry-run", action="store_true",
                            help="check every row through the real services, then roll back")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        try:
            rows = table_read(path)  # read as imported: a file of any length streams through
            with tqdm(unit="row", disable=None, file=self.stderr._out) as bar:
                report = import_rows(options["kind"], rows, source=options["source"],
                                     dry_run=options["dry_run"], progress=bar.update)  # fmt: skip
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for problem in report.problems[:SHOWN_PROBLEMS]:
            self.stderr.write(str(problem))
        if len(report.problems) > SHOWN_PROBLEMS:
            self.stderr.write(f"… and {len(report.problems) - SHOWN_PROBLEMS} more problems")
        verb = "would be imported" if options["dry_run"] else "imported"
        self.stdout.write(
            f"{report.created} rows {verb}, {report.skipped} already imported (skipped), "
            f"{report.failed_rows} with problems."
        )
        if report.problems:
            raise CommandError(f"{report.failed_rows} rows were not imported; see the lines above")
