"""`deskline sandbox create [--anonymise]`: a runnable copy where nothing leaves the machine."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from deskline.operations.backup import BackupError
from deskline.operations.sandbox import sandbox_create


class Command(BaseCommand):
    help = "Copy this installation into a sandbox (own database and data folder, nothing sent)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--anonymise", action="store_true",
                            help="replace clients' names, addresses, phones and ticket texts")  # fmt: skip
        parser.add_argument("--database-url", default=None,
                            help="the sandbox's database (default: a file, or <name>_sandbox)")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        self.stderr.write("Copying the installation into a sandbox…")
        try:
            sandbox = sandbox_create(
                anonymise=options["anonymise"], database_url=options["database_url"]
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Sandbox ready in {sandbox.folder}"
            f"{' (anonymised)' if options['anonymise'] else ''}. "
            "Serve it with `deskline sandbox run` (port 8001): mail, webhooks and messages are "
            "kept in its outbound log, never sent; its mailboxes do not poll."
        )
