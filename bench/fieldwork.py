"""Field-service benchmark: the dispatch board's week at 200 engineers and 5,000 visits, and the
day plan suggestion for 30 engineers and 300 visits against the nearest-next baseline.

    .venv/bin/python bench/fieldwork.py                 # both parts (board on PostgreSQL)
    .venv/bin/python bench/fieldwork.py --part plan     # only the plan suggestion (no database)
    .venv/bin/python bench/fieldwork.py --engineers 200 --visits 5000 --plan-seconds 10

The board part seeds a PostgreSQL database (200 field engineers, tickets, visits spread over a
week), then requests /dispatch/?days=7 in-process through Django's test client and prints the
server time per page (median and worst of 15) and the number of queries. The plan part solves
random Moscow-sized days (OR-Tools, `--plan-seconds`), the greedy nearest-next plan, and the same
problem searched three times longer, and prints distances, late visits and times.

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
SERVER = "postgres://postgres@127.0.0.1:5432"
NAME = "deskline_fieldwork_bench"
WEEK = dt.date(2026, 12, 7)  # a Monday


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{NAME}"')
        conn.execute(f'CREATE DATABASE "{NAME}"')


def seed(engineers: int, visits: int, tickets: int) -> None:
    from deskline.accounts.models import Role, User
    from deskline.clients.models import Company, Site
    from deskline.fieldwork.models import EngineerProfile, Visit
    from deskline.tickets.models import TicketType
    from deskline.tickets.services import ticket_create

    started = time.perf_counter()
    rnd = random.Random(7)
    admin = User.objects.create(username="bench-admin", role=Role.ADMIN, is_superuser=True,
                                time_zone="UTC")  # fmt: skip
    people = User.objects.bulk_create(User(username=f"eng{n}", first_name="Engineer",
                                           last_name=f"{n:03d}", role=Role.AGENT)
                                      for n in range(engineers))  # fmt: skip
    EngineerProfile.objects.bulk_create(EngineerProfile(
        user=u, time_zone="UTC", home_latitude=Decimal("55.75"), home_longitude=Decimal("37.62"))
        for u in people)  # fmt: skip
    company = Company.objects.create(name="Bench client")
    sites = Site.objects.bulk_create(Site(company=company, name=f"Site {n}",
                                          latitude=Decimal(f"{55.6 + rnd.random() * 0.3:.6f}"),
                                          longitude=Decimal(f"{37.4 + rnd.random() * 0.4:.6f}"))
                                     for n in range(200))  # fmt: skip
    kind = TicketType.objects.create(code="visit", name="Visit", needs_visit=True)
    made = [ticket_create(actor=admin, title=f"Repair {n}", company_id=company.pk,
                          site_id=sites[n % len(sites)].pk, type_id=kind.pk)
            for n in range(tickets)]  # fmt: skip
    rows = []
    for n in range(visits):
        day = WEEK + dt.timedelta(days=n % 7)
        start = dt.datetime.combine(day, dt.time(8), dt.UTC) + dt.timedelta(
            minutes=30 * ((n // 7) % 20))  # fmt: skip
        ticket = made[n % len(made)]
        rows.append(Visit(ticket=ticket, site_id=ticket.site_id, planned_start=start,
                          planned_end=start + dt.timedelta(minutes=60)))  # fmt: skip
    saved = Visit.objects.bulk_create(rows)
    links = Visit.engineers.through
    links.objects.bulk_create(links(visit_id=v.pk, user_id=people[n % len(people)].pk)
                              for n, v in enumerate(saved))  # fmt: skip
    print(f"seeded {engineers} engineers, {tickets} tickets, {visits:,} visits in "
          f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip


def board(rounds: int = 15) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings

    from deskline.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench-admin"))
    url = f"/dispatch/?day={WEEK.isoformat()}&days=7"
    client.get(url)  # warm caches and templates
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with override_settings(DEBUG=True):
        reset_queries()
        body = client.get(url).content
        queries = len(connection.queries)
    print(f"dispatch board, week view: median {statistics.median(times):.0f} ms, worst "
          f"{max(times):.0f} ms of {rounds} (server time, in-process); {queries} queries; "
          f"{body.count(b'visit-block')} visit blocks, {len(body) / 1024:.0f} KB")  # fmt: skip


def plan(engineers: int, jobs: int, seconds: float, seed_value: int) -> None:
    from deskline.fieldwork.geo import Point
    from deskline.fieldwork.routeplan import (
        LATE_METRES_PER_MINUTE,
        Engineer,
        Job,
        RoutePlan,
        greedy_plan,
        suggest_plan,
    )

    rnd = random.Random(seed_value)
    people = [Engineer(i, Point(55.75 + rnd.uniform(-0.15, 0.15), 37.62 + rnd.uniform(-0.25, 0.25)),
                       8 * 60, 20 * 60) for i in range(engineers)]  # fmt: skip
    work = [Job(1000 + i, Point(55.75 + rnd.uniform(-0.25, 0.25), 37.62 + rnd.uniform(-0.4, 0.4)),
                rnd.choice([30, 45, 60]), rnd.choice([None, None, 12 * 60, 16 * 60]))
            for i in range(jobs)]  # fmt: skip
    speed = 30.0
    started = time.perf_counter()
    greedy = greedy_plan(people, work, speed_kmh=speed)
    greedy_s = time.perf_counter() - started
    started = time.perf_counter()
    quick = suggest_plan(people, work, speed_kmh=speed, time_limit_s=seconds)
    quick_s = time.perf_counter() - started
    longer = suggest_plan(people, work, speed_kmh=speed, time_limit_s=seconds * 3)

    def line(name: str, p: RoutePlan, took: float) -> str:
        return (f"  {name:<26} {p.distance_m / 1000:8.1f} km  {len(p.late):3d} late "
                f"({p.late_minutes:5d} min)  {len(p.unassigned):3d} left out  "
                f"cost {p.cost / 1000:9.1f}  {took:6.2f} s")  # fmt: skip

    print(f"day plan, {engineers} engineers x {jobs} visits (seed {seed_value}, {speed:.0f} km/h):")
    print(line("nearest-next (greedy)", greedy, greedy_s))
    print(line(f"OR-Tools, {seconds:g} s limit", quick, quick_s))
    print(line(f"OR-Tools, {seconds * 3:g} s limit", longer, seconds * 3))
    print(f"  cost = km + {LATE_METRES_PER_MINUTE / 1000:g} km per minute late: the suggestion is "
          f"{100 * (1 - quick.cost / greedy.cost):.1f}% below greedy; the longer search "
          f"{100 * (1 - longer.cost / quick.cost):.1f}% below the suggestion")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["all", "board", "plan"], default="all")
    parser.add_argument("--engineers", type=int, default=200)
    parser.add_argument("--visits", type=int, default=5000)
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--plan-seconds", type=float, default=8.0)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    args = parser.parse_args()
    if args.part in ("all", "plan"):
        for seed_value in (1, 2):
            plan(30, 300, args.plan_seconds, seed_value)
    if args.part in ("all", "board"):
        if not args.reuse:
            recreate_database()
        os.environ["DATABASE_URL"] = f"{SERVER}/{NAME}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if not args.reuse:
            seed(args.engineers, args.visits, args.tickets)
        board()
    return 0


if __name__ == "__main__":
    sys.exit(main())
