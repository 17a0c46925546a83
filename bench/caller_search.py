"""Benchmark of the first line's caller search at registry scale (default 100k contacts).

It builds a fresh database with N contacts over N/10 companies (phones stored in mixed
formats) and N/10 pieces of equipment, then times `caller_search` for queries a dispatcher
types: a phone written differently from how it is stored, an e-mail, a name part, a company
name, an INN and a serial number. Prints p50/p95 in ms per query kind.

    python bench/caller_search.py --database-url sqlite            # SQLite file
    python bench/caller_search.py                                  # PostgreSQL (default)

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/deskline_bench_caller"
FIRST = ["Ivan", "Anna", "Petr", "Olga", "Sergey", "Maria", "Dmitry", "Elena", "Pavel", "Irina"]
LAST = ["Petrov", "Sidorova", "Ivanov", "Smirnova", "Kuznetsov", "Popova", "Volkov", "Orlova"]


def _setup(database_url: str) -> None:
    if database_url == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        os.environ["DESKLINE_DATA_DIR"] = tempfile.mkdtemp(prefix="deskline-bench-")
    else:
        parsed = urlparse(database_url)
        import psycopg

        with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
            name = parsed.path.lstrip("/")
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "deskline.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _phone(n: int, style: int) -> str:
    digits = f"9{n:09d}"
    return [
        f"+7 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}",
        f"8{digits}",
        f"+7{digits}",
    ][style % 3]


def _seed(contacts: int, rng: random.Random) -> None:
    from django.conf import settings

    from deskline.clients.models import Company, Contact, Equipment, EquipmentKind, Site
    from deskline.clients.phones import phone_normalize

    region = settings.DESKLINE_PHONE_REGION
    companies = Company.objects.bulk_create(
        Company(name=f"{rng.choice(LAST)} Trade {i}", tax_id=f"77{i:08d}")
        for i in range(contacts // 10)
    )
    sites = Site.objects.bulk_create(Site(company=c, name="Main") for c in companies)
    kind = EquipmentKind.objects.first() or EquipmentKind.objects.create(name="POS", code="pos")
    Equipment.objects.bulk_create(
        (
            Equipment(company=s.company, site=s, kind=kind, serial_number=f"SN{i:07d}")
            for i, s in enumerate(sites)
        ),
        batch_size=5000,
    )
    batch = []
    for i in range(contacts):
        phone = _phone(i, i)
        batch.append(
            Contact(
                company=companies[i % len(companies)],
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                email=f"person{i}@client{i % 997}.example",
                phone=phone,
                phone_normalized=phone_normalize(phone, region=region),
            )
        )
    Contact.objects.bulk_create(batch, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    _setup(args.database_url)
    rng = random.Random(14)
    started = time.perf_counter()
    _seed(args.contacts, rng)
    print(f"seeded {args.contacts} contacts in {time.perf_counter() - started:.1f} s")

    from deskline.accounts.models import Role, User
    from deskline.clients.caller import caller_search

    agent = User.objects.create_user(username="bench-agent", password=None, role=Role.AGENT)
    n = args.contacts
    queries = {
        "phone (other format)": lambda i: _phone((i * 7919) % n, i + 1).replace("+7", "8", 1),
        "e-mail": lambda i: f"person{(i * 7919) % n}@client{((i * 7919) % n) % 997}.example",
        "name part": lambda i: f"{LAST[i % len(LAST)]} {(i * 7919) % n}",
        "company name": lambda i: f"Trade {(i * 31) % (n // 10)}",
        "INN": lambda i: f"77{(i * 31) % (n // 10):08d}",
        "serial": lambda i: f"SN{(i * 31) % (n // 10):07d}",
    }
    print(f"{'query':<22}{'p50 ms':>9}{'p95 ms':>9}{'hits':>6}")
    for label, make in queries.items():
        times, hits = [], 0
        for i in range(args.repeat):
            t0 = time.perf_counter()
            hits = len(caller_search(user=agent, query=make(i)))
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(f"{label:<22}{statistics.median(times):>9.2f}{p95:>9.2f}{hits:>6}")


if __name__ == "__main__":
    main()
