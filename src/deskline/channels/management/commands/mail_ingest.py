"""`deskline mail ingest FILE...`: push raw message files through mail intake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deskline.channels.models import Mailbox
from deskline.channels.services import mail_ingest, mailbox_default


class Command(BaseCommand):
    help = "Ingest raw RFC 822 message files; prints one line per file with the outcome."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="message files (.eml); folders are walked")
        parser.add_argument("--mailbox", default="", help="mailbox name (default: 'default')")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["mailbox"]
        if name:
            mailbox = Mailbox.objects.filter(name=name).first()
            if mailbox is None:
                raise CommandError(f"no mailbox named {name!r}")
        else:
            mailbox = mailbox_default()
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
            result = mail_ingest(mailbox=mailbox, raw=path.read_bytes())
            self.stdout.write(f"{path}: {result.summary}")
            self.stdout.flush()
