"""`deskline export company ID FILE`: everything a client company owns, as one ZIP."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from deskline.clients.models import Company
from deskline.operations.export import company_export


class Command(BaseCommand):
    help = "Export a company's tickets (comments, history, attachments) and registry as a ZIP."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("company_id", type=int)
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["file"]
        if target.exists():
            raise CommandError(f"{target} exists; choose a new file name")
        if not Company.objects.filter(pk=options["company_id"]).exists():
            raise CommandError(f"no company with id {options['company_id']}")
        partial = target.with_name(target.name + ".partial")
        counts = company_export(options["company_id"], partial)
        partial.replace(target)
        parts = ", ".join(f"{n} {part}" for part, n in counts.items())
        self.stdout.write(f"Exported to {target}: {parts}.")
