"""Run inside a new sandbox: stop its mailboxes polling and, if asked, anonymise it."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from deskline.channels.models import Mailbox
from deskline.operations.anonymise import installation_anonymise


class Command(BaseCommand):
    help = "Prepare a sandbox copy (internal: `deskline sandbox create` runs it)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--anonymise", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DESKLINE_SANDBOX:
            raise CommandError("this prepares a sandbox; it never runs on an installation")
        stopped = Mailbox.objects.filter(is_active=True).update(is_active=False)
        self.stderr.write(f"  {stopped} mailboxes will not poll in the sandbox")
        if options["anonymise"]:
            counts = installation_anonymise(
                progress=lambda step, n: self.stderr.write(f"  anonymised {n} {step}")
            )
            self.stderr.write(f"  search index rebuilt for {counts['reindexed']} tickets")
