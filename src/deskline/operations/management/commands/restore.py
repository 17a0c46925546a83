"""`deskline restore FILE`: restore a backup into an empty installation, every member checked."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from deskline.operations.archive import ArchiveError
from deskline.operations.backup import BackupError, backup_restore, progress_lines


class Command(BaseCommand):
    help = "Restore a backup made by `deskline backup` into an empty installation."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="the archive `deskline backup` wrote")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        if not source.is_file():
            raise CommandError(f"{source} is not a file")
        try:
            manifest = backup_restore(source, progress=progress_lines(self.stderr.write, "checked"))
        except (BackupError, ArchiveError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the backup of {manifest.created_at} ({len(manifest.files)} members, "
            "every checksum verified). `deskline run` applies any newer migrations."
        )
