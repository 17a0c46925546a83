"""`deskline sandbox run [--port 8001]`: serve the sandbox beside production."""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from deskline.operations.backup import BackupError
from deskline.operations.sandbox import sandbox_env, sandbox_folder


class Command(BaseCommand):
    help = "Serve the sandbox (its own database and data folder; nothing is sent)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            env = sandbox_env(sandbox_folder())
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        command = [sys.executable, "-m", "deskline.cli", "run",
                   "--host", options["host"], "--port", str(options["port"])]  # fmt: skip
        os.execvpe(command[0], command, env)  # noqa: S606 - becomes `deskline run` for the sandbox
