"""`deskline config export FILE` / `deskline config import FILE [--apply]`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from deskline.operations.config_transfer import (
    ConfigFileError,
    config_diff,
    config_export,
    config_import,
)


class Command(BaseCommand):
    help = "Export the configuration to a file, or show a file's diff and import it (--apply)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["export", "import"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--apply", action="store_true", help="import: apply after the diff")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if options["action"] == "export":
            if path.exists():
                raise CommandError(f"{path} exists; choose a new file name")
            path.write_text(config_export())
            self.stdout.write(f"Configuration written to {path}.")
            return
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        try:
            text = path.read_text()
            diff = config_import(text) if options["apply"] else config_diff(text)
        except (ConfigFileError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        for row in diff.added:
            self.stdout.write(f"+ {row}")
        for row, changes in diff.changed.items():
            self.stdout.write(f"~ {row}")
            for name, (before, after) in changes.items():
                self.stdout.write(f"    {name}: {json.dumps(before, default=str, ensure_ascii=False)}"
                                  f" -> {json.dumps(after, default=str, ensure_ascii=False)}")  # fmt: skip
        if diff.only_here:
            self.stdout.write(f"  {len(diff.only_here)} rows exist only here (kept): "
                              + ", ".join(diff.only_here[:10]))  # fmt: skip
        summary = (
            f"{len(diff.added)} added, {len(diff.changed)} changed, {diff.unchanged} unchanged"
        )
        if options["apply"]:
            self.stdout.write(f"Applied: {summary}.")
        else:
            self.stdout.write(f"{summary}. Nothing was changed: run again with --apply to import.")
