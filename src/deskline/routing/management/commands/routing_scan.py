"""Fire due time triggers once (run it from cron or a timer every few minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from deskline.routing.automation import automation_scan


class Command(BaseCommand):
    help = "Fire the automation time triggers that are due."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"fired {automation_scan()} trigger(s)")
