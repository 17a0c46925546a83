"""Field-service benchmark, planned maintenance: one scheduler run over N pieces of equipment
with a plan each, then a second run that must create nothing.

Seeds a PostgreSQL database (unless `--reuse`) with N pieces of equipment over N/100 companies
(a site each, a weekday calendar on every tenth site) and one plan per item, written in bulk
without a scheduler cursor (as an import would): three in four "every 3 months from a start date"
spread evenly over a quarter, one in four "the first Monday of each quarter". Then times
`maintenance_run()` twice for the same day: the first initialises every cursor, writes the dates
due within the lead time and creates their tickets ((lead + 1)/91 of the quarterly plans: with
the default lead of 0 days, one day's tickets, what the hourly job meets each day once plans are
in place); the second must create nothing.

    .venv/bin/python bench/maintenance.py                     # 100,000 pieces of equipment
    .venv/bin/python bench/maintenance.py --equipment 10000   # a smaller run on a busy machine
    .venv/bin/python bench/maintenance.py --lead 7            # the first run creates 8 days' tickets
    .venv/bin/python bench/maintenance.py --reuse             # keep the seeded database

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
SERVER = "postgres://postgres@127.0.0.1:5432"
NAME = "deskline_maintenance_bench"
TODAY = dt.date(2026, 12, 4)
PER_COMPANY = 100


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{NAME}"')


def seed(equipment: int, lead: int) -> None:
    from deskline.clients.models import Company, Equipment, EquipmentKind, Site
    from deskline.fieldwork.maintenance_models import MaintenancePlan
    from deskline.sla.models import Calendar, SiteCalendar

    started = time.perf_counter()
    kind = EquipmentKind.objects.create(code="kkt", name="Cash register")
    companies = Company.objects.bulk_create(
        Company(name=f"Client {n}") for n in range(max(1, equipment // PER_COMPANY))
    )
    sites = Site.objects.bulk_create(Site(company=c, name=f"Shop {c.pk}") for c in companies)
    calendar = Calendar.objects.create(name="Shops", week=["09:00-18:00"] * 5 + ["", ""])
    SiteCalendar.objects.bulk_create(SiteCalendar(site=s, calendar=calendar) for s in sites[::10])
    items: list[Equipment] = []
    for n in range(equipment):
        site = sites[n % len(sites)]
        items.append(Equipment(company_id=site.company_id, site=site, kind=kind,
                               serial_number=f"SN{n:07d}"))  # fmt: skip
    items = Equipment.objects.bulk_create(items, batch_size=5000)
    plans = []
    for n, item in enumerate(items):
        quarterly = n % 4 != 3
        plans.append(MaintenancePlan(
            name=f"Service {n}", company_id=item.company_id, scope="equipment", equipment=item,
            site_id=item.site_id,
            rule="FREQ=MONTHLY;INTERVAL=3" if quarterly else "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO",
            starts_on=(TODAY - dt.timedelta(days=n % 91)) if quarterly else dt.date(2026, 1, 1),
            lead_days=lead, title="Quarterly service {date}"))  # fmt: skip
    MaintenancePlan.objects.bulk_create(plans, batch_size=5000)
    print(f"seeded {equipment:,} pieces of equipment with a plan each over {len(companies):,} "
          f"companies in {time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip


def run_twice() -> None:
    from deskline.fieldwork.maintenance_models import MaintenanceOccurrence
    from deskline.fieldwork.maintenance_scheduler import maintenance_run
    from deskline.tickets.models import Ticket

    tickets_before = Ticket.objects.count()
    for label in ("first", "second"):
        started = time.perf_counter()
        report = maintenance_run(today=TODAY)
        elapsed = time.perf_counter() - started
        print(f"{label} run: {elapsed:.1f} s; cursors initialised {report.initialised:,}, dates "
              f"written {report.materialised:,}, tickets created {len(report.created):,}, "
              f"failed {report.failed} (dates {report.dates_seconds:.1f} s, tickets "
              f"{report.tickets_seconds:.1f} s)", flush=True)  # fmt: skip
        if label == "second":
            assert not report.created and not report.materialised, "the second run did work"
    created = Ticket.objects.count() - tickets_before
    rows = MaintenanceOccurrence.objects.count()
    with_ticket = MaintenanceOccurrence.objects.filter(ticket__isnull=False).count()
    print(f"tickets in the database: {created:,}; occurrence rows {rows:,}, with a ticket "
          f"{with_ticket:,}")  # fmt: skip
    assert created == with_ticket, "a ticket without its occurrence (or the reverse)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--equipment", type=int, default=100_000)
    parser.add_argument("--lead", type=int, default=0,
                        help="days ahead a ticket is created (0: a day's tickets, 7: eight days')")  # fmt: skip
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    args = parser.parse_args()
    if not args.reuse:
        recreate_database()
    os.environ["DATABASE_URL"] = f"{SERVER}/{NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not args.reuse:
        seed(args.equipment, args.lead)
    else:  # a rerun starts from the seeded plans again
        from deskline.fieldwork.maintenance_models import MaintenanceOccurrence, MaintenancePlan

        MaintenanceOccurrence.objects.all().delete()
        MaintenancePlan.objects.update(next_due_on=None, create_from=None, counter_next=None,
                                       lead_days=args.lead)  # fmt: skip
    run_twice()
    return 0


if __name__ == "__main__":
    sys.exit(main())
