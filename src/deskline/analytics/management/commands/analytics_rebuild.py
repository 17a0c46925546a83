"""`deskline analytics rebuild`: recompute the daily report aggregates from the tickets."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from deskline.analytics.services import stats_rebuild
from deskline.tickets.models import Ticket


class Command(BaseCommand):
    help = "Recompute the pre-aggregated daily report rows from the tickets (progress bar)."

    def handle(self, *args: Any, **options: Any) -> None:
        total = Ticket.objects.count()
        with tqdm(total=total, unit="ticket", file=sys.stderr, unit_scale=True) as bar:
            done = stats_rebuild(progress=bar.update)
        self.stdout.write(f"rebuilt the daily aggregates from {done} tickets")
