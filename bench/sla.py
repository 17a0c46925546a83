"""SLA benchmark: deadline arithmetic per second, and the bulk recompute after a new holiday.

1. Deadline computations (add_working_minutes and working_minutes_between) on realistic
   calendars (09:00-13:00 + 14:00-18:00 on weekdays, Russian public holidays, Moscow time)
   with targets up to 30 days ahead, side by side with a minute-stepping reference in the same
   run (on fewer samples: it is slow), checking that both agree.
2. Seed N open tickets with bulk_create into a PostgreSQL database (default 100,000), add a
   holiday to their calendar and time the recompute of every open ticket's deadlines.

    .venv/bin/python bench/sla.py                                   # both parts, PostgreSQL
    .venv/bin/python bench/sla.py --tickets 100000 --reuse          # keep an already seeded DB
    .venv/bin/python bench/sla.py --skip-db                          # arithmetic only

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/deskline_sla_bench"
MSK = ZoneInfo("Europe/Moscow")
WEEK = ("09:00-13:00, 14:00-18:00",) * 5 + ("", "")
MINUTE = dt.timedelta(minutes=1)


def reference_add(calendar, start: dt.datetime, minutes: int) -> dt.datetime:
    """Minute-stepping: walk the clock one minute at a time (start on a whole minute)."""
    from deskline.sla.clock import is_working_time

    now = start.astimezone(dt.UTC)
    while minutes > 0:
        if is_working_time(calendar, now):
            minutes -= 1
        now += MINUTE
    return now


def reference_between(calendar, start: dt.datetime, end: dt.datetime) -> int:
    from deskline.sla.clock import is_working_time

    now, total = start.astimezone(dt.UTC), 0
    while now < end:
        total += is_working_time(calendar, now)
        now += MINUTE
    return total


def bench_arithmetic(samples: int, reference_samples: int) -> None:
    from deskline.sla.calendars import CalendarSpec, build_calendar
    from deskline.sla.clock import add_working_minutes, working_minutes_between

    calendar = build_calendar(CalendarSpec("Europe/Moscow", WEEK, country="RU"), range(2025, 2028))
    rng = random.Random(1)
    base = dt.datetime(2026, 1, 1, tzinfo=MSK)
    cases = [
        (base + dt.timedelta(minutes=rng.randrange(365 * 1440)), rng.randint(1, 30 * 480))
        for _ in range(samples)
    ]  # up to 30 working days of 8 hours: deadlines a month or more ahead

    started = time.perf_counter()
    dues = [add_working_minutes(calendar, start, minutes) for start, minutes in cases]
    add_s = time.perf_counter() - started
    started = time.perf_counter()
    for (start, _), due in zip(cases, dues, strict=True):
        working_minutes_between(calendar, start, due)
    between_s = time.perf_counter() - started

    from deskline.sla.clock import WorkingTimeIndex

    started = time.perf_counter()
    index = WorkingTimeIndex(calendar, base - dt.timedelta(days=1), base + dt.timedelta(days=800))
    indexed = [index.add_working_minutes(start, minutes) for start, minutes in cases]
    index_s = time.perf_counter() - started  # includes building the index
    assert indexed == dues

    subset = cases[:reference_samples]
    started = time.perf_counter()
    ref = [reference_add(calendar, start, minutes) for start, minutes in subset]
    ref_add_s = time.perf_counter() - started
    started = time.perf_counter()
    ref_between = [reference_between(calendar, s, d) for (s, _), d in zip(subset, ref, strict=True)]
    ref_between_s = time.perf_counter() - started
    agree = all(r == d for r, d in zip(ref, dues, strict=False)) and all(
        r == m for r, (_, m) in zip(ref_between, subset, strict=False)
    )

    print(
        "Deadline arithmetic: 09-13 + 14-18 weekdays, RU holidays, Moscow, targets <= 30 working days"
    )
    print(f"{'':<34}{'interval walk':>16}{'minute stepping':>18}{'speed-up':>10}")
    add_rate, ref_add_rate = samples / add_s, reference_samples / ref_add_s
    between_rate, ref_between_rate = samples / between_s, reference_samples / ref_between_s
    print(
        f"{'add_working_minutes  (ops/s)':<34}{add_rate:>16,.0f}{ref_add_rate:>18,.1f}{add_rate / ref_add_rate:>9,.0f}x"
    )
    print(
        f"{'working_minutes_between (ops/s)':<34}{between_rate:>16,.0f}{ref_between_rate:>18,.1f}{between_rate / ref_between_rate:>9,.0f}x"
    )
    print(
        f"{'add via WorkingTimeIndex (ops/s)':<34}{samples / index_s:>16,.0f}"
        "   (bulk recompute path, same results)"
    )
    print(f"samples: {samples} (reference: first {reference_samples}); results agree: {agree}")


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
    import django

    django.setup()


def _ensure_database(database_url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    admin_url = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(tickets: int, now: dt.datetime) -> None:
    """Open tickets created over the last 20 days, with their deadlines, via bulk_create."""
    from django.db import transaction

    from deskline.sla import resolve
    from deskline.sla.clock import WorkingTimeIndex
    from deskline.sla.deadlines import deadline
    from deskline.sla.models import Calendar, SlaPolicy, SlaTarget, TicketSla
    from deskline.tickets.models import Priority, Status, Ticket, TicketType

    calendar = Calendar.objects.get(is_default=True)
    calendar.week = list(WEEK)
    calendar.save()
    index = WorkingTimeIndex(
        resolve.work_calendar(calendar), now - dt.timedelta(days=30), now + dt.timedelta(days=400)
    )
    policy = SlaPolicy.objects.get(is_default=True)
    targets = {
        t.priority_id: (t.reaction_minutes, t.resolution_minutes)
        for t in SlaTarget.objects.filter(policy=policy)
    }
    priorities = list(Priority.objects.all())
    status = Status.objects.get(code="in_progress")
    ticket_type = TicketType.objects.get(is_default=True)
    rng = random.Random(2)
    start = (Ticket.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    batch = 5000
    for offset in range(0, tickets, batch):
        rows = []
        for number in range(start + offset, start + min(offset + batch, tickets)):
            created = now - dt.timedelta(minutes=rng.randrange(20 * 1440))
            priority = rng.choice(priorities)
            reaction, resolution = targets.get(priority.pk, (None, None))
            rows.append(Ticket(
                number=number, title=f"Bench {number}", type=ticket_type, priority=priority,
                priority_weight=priority.weight, status=status, phase=status.phase,
                created_at=created, updated_at=created,
                reaction_due=deadline(index, created, reaction, 0),
                resolution_due=deadline(index, created, resolution, 0),
            ))  # fmt: skip
        with transaction.atomic():
            Ticket.objects.bulk_create(rows, batch_size=batch)
            TicketSla.objects.bulk_create(
                [TicketSla(ticket=t, policy=policy, calendar=calendar) for t in rows],
                batch_size=batch,
            )


def bench_recompute(database_url: str, tickets: int, reuse: bool) -> None:
    _ensure_database(database_url)
    _setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    from deskline.accounts.models import Role, User
    from deskline.sla.models import Calendar, TicketSla
    from deskline.sla.recompute import deadlines_recompute
    from deskline.sla.services import calendar_exception_set
    from deskline.tickets.models import OPEN_PHASES

    call_command("migrate", verbosity=0)
    now = dt.datetime.now(dt.UTC)
    calendar = Calendar.objects.get(is_default=True)
    have = TicketSla.objects.filter(ticket__phase__in=OPEN_PHASES, calendar=calendar).count()
    if not reuse or have < tickets:
        started = time.perf_counter()
        seed(tickets - (have if reuse else 0), now)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does after a bulk load
        print(
            f"\nseeded {tickets - (have if reuse else 0):,} open tickets in {time.perf_counter() - started:.1f}s"
        )
    open_count = TicketSla.objects.filter(ticket__phase__in=OPEN_PHASES, calendar=calendar).count()
    admin = User.objects.filter(username="bench-admin").first() or User.objects.create(
        username="bench-admin", role=Role.ADMIN, is_superuser=True
    )
    day = (now + dt.timedelta(days=3)).date()
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    kind = (
        "working_day" if calendar.exceptions.filter(day=day, kind="day_off").exists() else "day_off"
    )
    started = time.perf_counter()
    calendar_exception_set(actor=admin, calendar_id=calendar.pk, day=day, kind=kind)
    changed = deadlines_recompute(calendar_ids=[calendar.pk])
    elapsed = time.perf_counter() - started
    print(
        f"\nRecompute after a {kind.replace('_', ' ')} on {day} ({connection.vendor}, {open_count:,} open tickets on the calendar)"
    )
    print(
        f"  {changed:,} deadlines moved in {elapsed:.2f}s = {open_count / elapsed:,.0f} tickets/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--reference-samples", type=int, default=40)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument(
        "--database-url", default=os.environ.get("SLA_BENCH_DATABASE_URL", DEFAULT_DB)
    )
    parser.add_argument("--reuse", action="store_true", help="Keep tickets already seeded")
    parser.add_argument("--skip-db", action="store_true")
    args = parser.parse_args()
    bench_arithmetic(args.samples, args.reference_samples)
    if not args.skip_db:
        bench_recompute(args.database_url, args.tickets, args.reuse)
    print(f"\ncommand: {' '.join([Path(sys.executable).name, *sys.argv])}")


if __name__ == "__main__":
    main()
