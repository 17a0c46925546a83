"""`deskline sandbox remove`: delete the sandbox's data folder and database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from deskline.operations.backup import BackupError
from deskline.operations.sandbox import sandbox_remove


class Command(BaseCommand):
    help = "Remove the sandbox: its data folder and its database."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            folder = sandbox_remove()
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Sandbox at {folder} removed.")
