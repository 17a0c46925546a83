"""`deskline backup FILE`: a checked backup of the database and the uploaded files."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from deskline.operations.backup import BackupError, backup_create, progress_lines


class Command(BaseCommand):
    help = "Write a backup (database + uploaded files, with a manifest of checksums) to FILE."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="the archive to write, e.g. deskline.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["file"].resolve()
        if not target.parent.is_dir():
            raise CommandError(f"the folder {target.parent} does not exist")
        if target.exists():
            raise CommandError(f"{target} exists; choose a new file name")
        try:
            manifest = backup_create(target, progress=progress_lines(self.stderr.write, "copied"))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = sum(int(f["size"]) for f in manifest.files.values())
        self.stdout.write(
            f"Backup written to {target}: {manifest.vendor} database and "
            f"{len(manifest.files) - 1} files, {size / 1e6:.1f} MB before compression."
        )
