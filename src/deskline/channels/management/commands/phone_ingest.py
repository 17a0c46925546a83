"""`deskline manage phone_ingest --source NAME FILE...`: push call event files (one JSON body
each, as the PBX would post it) through telephony intake, e.g. to replay a PBX's log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deskline.channels.phone import phone_ingest
from deskline.channels.phone_models import PhoneSource


class Command(BaseCommand):
    help = "Ingest call event files (JSON bodies); prints one line per file with the outcome."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="event files; folders are walked, sorted")
        parser.add_argument("--source", required=True, help="phone source name")

    def handle(self, *args: Any, **options: Any) -> None:
        source = PhoneSource.objects.filter(name=options["source"]).first()
        if source is None:
            raise CommandError(f"no phone source named {options['source']!r}")
        paths = []
        for given in options["files"]:
            path = Path(given)
            if path.is_dir():
                paths.extend(sorted(p for p in path.rglob("*") if p.is_file()))
            elif path.is_file():
                paths.append(path)
            else:
                raise CommandError(f"no such file: {given}")
        for path in paths:
            outcome = phone_ingest(source=source, body=path.read_bytes())
            duplicate = " (duplicate)" if outcome.duplicate else ""
            self.stdout.write(f"{path}: {outcome.status}{duplicate} {outcome.reason}".rstrip())
            self.stdout.flush()
