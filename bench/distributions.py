"""Time the time-distribution report over the last 365 days on an already seeded database.

The distribution report (first response, resolution and time in each status; median, 90th
percentile and histogram) read through `report_build`, on the business and the wall clock,
with no filter and with three (team, priority, channel): median of 5 runs after a warm-up.
Run it with another checkout's sources to compare two releases on the same database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dl_now_1000000 PYTHONPATH=src python bench/distributions.py
    DATABASE_URL=... PYTHONPATH=/path/to/other/checkout/src python bench/distributions.py

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
    django.setup()
    from deskline.analytics.reports import report_build
    from deskline.analytics.selectors import StatsFilter
    from deskline.tickets.models import Ticket

    end = dt.datetime.now(tz=dt.UTC).date()
    start = end - dt.timedelta(days=364)
    sample = Ticket.objects.exclude(team=None).values("team_id", "priority_id", "channel").first()
    assert sample is not None, "seed the database first (deskline demo)"
    three = StatsFilter(start=start, end=end, team=sample["team_id"],
                        priority=sample["priority_id"], channel=sample["channel"])  # fmt: skip
    for label, f in (("no filter", StatsFilter(start=start, end=end)), ("three filters", three)):
        for clock in ("business", "wall"):
            report_build(name="distribution", f=f, grain="day", by="team", clock=clock)
            times = []
            for _ in range(5):
                started = time.perf_counter()
                report_build(name="distribution", f=f, grain="day", by="team", clock=clock)
                times.append((time.perf_counter() - started) * 1000)
            print(f"{clock:<9} {label:<14} {statistics.median(times):8.0f} ms", flush=True)


if __name__ == "__main__":
    main()
