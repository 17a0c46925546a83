"""Analytics benchmark: rebuild time of the daily aggregates and report latency over a year.

For each size it seeds a PostgreSQL database with `deskline demo --tickets N --seed 18` (unless
`--reuse`), rebuilds the aggregates (`stats_rebuild`, timed), then times the reports over the
last 365 days, median of 7 runs after a warm-up (3 for the time distributions, on the business
and the wall clock, read from the stored per-ticket minutes, then computed directly from the
tickets with the SLA clock over every span, as the report did before): all filters empty, and
with three filters (team, priority, channel); then the
load forecast per team (one fit and a 4-fold backtest, timed) with its error against the
seasonal-naive baseline. Each size runs in its own process (one database per process).

    .venv/bin/python bench/analytics.py --tickets 100000 1000000
    .venv/bin/python bench/analytics.py --tickets 100000 --reuse     # keep a seeded database
    .venv/bin/python bench/analytics.py --reuse --skip-rebuild       # reports only
    BENCH_DATABASE=deskline_x .venv/bin/python bench/analytics.py --tickets 100000  # one named db
    BENCH_SQLITE=1 .venv/bin/python bench/analytics.py --tickets 100000   # SQLite files in /tmp

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
SERVER = "postgres://postgres@127.0.0.1:5432"
REPORTS = [("sla", "week", "team", "business"), ("flow", "day", "team", "business"),
           ("breakdown", "day", "agent", "business"), ("csat", "month", "team", "business"),
           ("channels", "day", "team", "business"),
           # read per ticket, not from the aggregates: percentiles cannot be summed
           ("distribution", "day", "team", "business"), ("distribution", "day", "team", "wall")]  # fmt: skip


SQLITE = os.environ.get("BENCH_SQLITE") == "1"


#: `BENCH_DATABASE=name` uses that one PostgreSQL database for whatever size (a shared server).
NAMED = os.environ.get("BENCH_DATABASE", "")
#: The `deskline` command beside the running interpreter (the venv's), on this checkout's source.
DESKLINE = str(Path(sys.executable).parent / "deskline")
SOURCE_ENV = {"PYTHONPATH": str(ROOT / "src")}


def database(n: int) -> str:
    if SQLITE:
        return f"sqlite:////tmp/deskline_analytics_bench_{n}.sqlite3"
    return f"{SERVER}/{NAMED or f'deskline_analytics_bench_{n}'}"


def seed(n: int) -> None:
    if SQLITE:
        Path(database(n).removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        import psycopg

        name = database(n).rsplit("/", 1)[1]
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, **SOURCE_ENV, "DATABASE_URL": database(n)}
    started = time.perf_counter()
    subprocess.run([DESKLINE, "demo", "--tickets", str(n), "--seed", "18"],
                   env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    print(f"seeded {n:,} tickets in {time.perf_counter() - started:.0f} s", flush=True)


def measure(n: int, rebuild: bool = True) -> None:
    """In this process: DATABASE_URL points at the seeded database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
    django.setup()
    from django.core.management import call_command

    from deskline.analytics.models import DailyTicketStats
    from deskline.analytics.reports import report_build
    from deskline.analytics.selectors import StatsFilter
    from deskline.analytics.services import stats_rebuild
    from deskline.analytics.time_measures import time_distributions_direct
    from deskline.tickets.models import Ticket

    call_command("migrate", verbosity=0)
    if rebuild:
        started = time.perf_counter()
        done = stats_rebuild()
        seconds = time.perf_counter() - started
        print(f"{n:>9,} tickets: rebuild {done:,} tickets in {seconds:.1f} s "
              f"→ {DailyTicketStats.objects.count():,} daily rows", flush=True)  # fmt: skip
    end = dt.datetime.now(tz=dt.UTC).date()
    start = end - dt.timedelta(days=364)
    everything = StatsFilter(start=start, end=end)
    sample = Ticket.objects.exclude(team=None).values("team_id", "priority_id", "channel").first()
    assert sample is not None
    three = StatsFilter(start=start, end=end, team=sample["team_id"],
                        priority=sample["priority_id"], channel=sample["channel"])  # fmt: skip
    print(f"{'report':<14}{'grain/by':<16}{'no filter ms':>14}{'3 filters ms':>14}")
    for name, grain, by, clock in REPORTS:
        figures = []
        for f in (everything, three):
            report_build(name=name, f=f, grain=grain, by=by, clock=clock)  # type: ignore[arg-type]
            times = []
            for _ in range(7 if name != "distribution" else 3):
                t0 = time.perf_counter()
                report_build(name=name, f=f, grain=grain, by=by, clock=clock)  # type: ignore[arg-type]
                times.append((time.perf_counter() - t0) * 1000)
            figures.append(statistics.median(times))
        shape = f"{grain}/{by}" if name != "distribution" else clock
        print(f"{name:<14}{shape:<16}{figures[0]:>14.1f}{figures[1]:>14.1f}", flush=True)
    for clock in ("business", "wall"):
        figures = []
        for f in (everything, three):
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                time_distributions_direct(f=f, clock=clock)  # type: ignore[arg-type]
                times.append((time.perf_counter() - t0) * 1000)
            figures.append(statistics.median(times))
        print(f"{'direct':<14}{clock:<16}{figures[0]:>14.1f}{figures[1]:>14.1f}", flush=True)
    forecasts(end)


def forecasts(today: dt.date) -> None:
    """Per team (and all teams): the forecast page's work, one Holt-Winters fit for the next
    4 weeks and a rolling-origin backtest of 4 weekly folds (4 more fits), timed, with the
    backtest's error beside the seasonal-naive baseline's."""
    from deskline.accounts.models import Team
    from deskline.analytics.forecasting import load_forecast, team_staffing_gap

    print(f"{'forecast':<24}{'days':>6}{'5 fits s':>10}{'MAPE model/naive':>20}"
          f"{'MASE model/naive':>20}")  # fmt: skip
    teams = [(None, "all teams"), *Team.objects.order_by("pk").values_list("pk", "name")]
    for team, label in teams:
        t0 = time.perf_counter()
        made = load_forecast(today=today, weeks=4, team=team)
        seconds = time.perf_counter() - t0
        b = made.backtest
        mape = f"{b.model_mape}/{b.baseline_mape}" if b else "-"
        mase = f"{b.model_mase}/{b.baseline_mase}" if b else "-"
        gap = ""
        if team is not None:  # what one breach-risk warning costs the first time per team
            t0 = time.perf_counter()
            now = dt.datetime.now(tz=dt.UTC)
            found = team_staffing_gap(team_id=team, now=now, until=now + dt.timedelta(hours=8))
            gap = f"  gap look {time.perf_counter() - t0:.2f} s: {found[2] if found else 0} short"
        print(f"{label[:23]:<24}{made.history_days:>6}{seconds:>10.2f}{mape:>20}{mase:>20}{gap}",
              flush=True)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, nargs="+", default=[100_000])
    parser.add_argument("--reuse", action="store_true", help="keep already seeded databases")
    parser.add_argument(
        "--skip-rebuild", action="store_true",
        help="time the reports on the aggregates as they are (already rebuilt)",
    )  # fmt: skip
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        measure(args.one, rebuild=not args.skip_rebuild)
        return 0
    for n in args.tickets:
        if not args.reuse:
            seed(n)
        env = {**os.environ, **SOURCE_ENV, "DATABASE_URL": database(n)}
        one = [sys.executable, __file__, "--one", str(n), *(["--skip-rebuild"] * args.skip_rebuild)]
        subprocess.run(one, env=env, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
