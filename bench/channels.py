"""Channels benchmark: monitoring alerts' repeated firings, and the caller lookup of telephony.

1. Alert intake: a generic alert source opens tickets for `--alerts` alerts, then the monitoring
   system keeps re-sending them (`--calls` webhook calls through the real HTTP endpoint, each with
   `--batch` alerts that are firing already). Two kinds of repeat are timed: a body that differs
   each time (a new stored payload whose alerts are each only counted: what Alertmanager's
   repeat_interval sends) and the identical body redelivered (only a counter). Targets: 1,000
   alerts/s deduplicated without a new ticket; p99 under 50 ms per webhook call.
2. Caller lookup: `--contacts` contacts (phones stored in mixed formats) and a lookup by a number
   written differently (`clients.caller.caller_by_number`, what an incoming call does), then the
   whole "call started" webhook (store, parse, lookup, call row). Target: under 20 ms.

    .venv/bin/python bench/channels.py                                  # PostgreSQL, 100,000 contacts
    .venv/bin/python bench/channels.py --database-url sqlite --contacts 20000 --calls 300

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/deskline_bench_channels"


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


def _ms(values: list[float]) -> str:
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return (f"p50 {statistics.median(ordered):.1f} ms, p95 {pick(0.95):.1f} ms, "
            f"p99 {pick(0.99):.1f} ms, max {ordered[-1]:.1f} ms")  # fmt: skip


def _timed(calls: int, one: Callable[[int], None]) -> tuple[list[float], float]:
    times = []
    started = time.perf_counter()
    for n in range(calls):
        t0 = time.perf_counter()
        one(n)
        times.append((time.perf_counter() - t0) * 1000)
    return times, time.perf_counter() - started


def _alert_body(fingerprints: list[str], sent: int | None) -> bytes:
    alerts = [{"fingerprint": f, "status": "firing", "name": f"Disk full {f}", "severity": "warning",
               "labels": {"instance": f"host-{f}"}} for f in fingerprints]  # fmt: skip
    body: dict[str, object] = {"alerts": alerts}
    if sent is not None:
        body["sent"] = sent  # makes each repeat a different body, as a real re-send is
    return json.dumps(body).encode()


def bench_alerts(alert_count: int, batch: int, calls: int) -> None:
    from django.test import Client

    from deskline.channels.alert_models import Alert, AlertSource
    from deskline.channels.alerts import alert_source_token_create
    from deskline.tickets.models import Ticket

    source = AlertSource.objects.create(name="bench", kind="generic", group_threshold=0)
    token = alert_source_token_create(source_id=source.pk)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    fingerprints = [f"fp{n}" for n in range(alert_count)]

    def post(body: bytes) -> None:
        response = client.post(
            "/api/v1/channels/alerts/bench", body, content_type="application/json"
        )
        assert response.status_code == 202, response.content

    for start in range(0, alert_count, batch):
        post(_alert_body(fingerprints[start : start + batch], None))
    tickets = Ticket.objects.count()
    groups = [fingerprints[i : i + batch] for i in range(0, alert_count, batch)]
    times, elapsed = _timed(calls, lambda n: post(_alert_body(groups[n % len(groups)], n)))
    print(f"alert repeats, new body each call: {calls:,} calls of {batch} alerts in {elapsed:.1f} s"
          f" = {calls * batch / elapsed:,.0f} alerts/s deduplicated; per call {_ms(times)}")  # fmt: skip
    same = _alert_body(groups[0], 10**9)
    post(same)
    times, elapsed = _timed(calls, lambda n: post(same))
    print(f"alert repeats, identical body redelivered: {calls * batch / elapsed:,.0f} alerts/s;"
          f" per call {_ms(times)}")  # fmt: skip
    counted = sum(Alert.objects.values_list("firing_count", flat=True))
    assert Ticket.objects.count() == tickets, "a repeat opened a ticket"
    print(f"  tickets opened by the repeats: 0 (still {tickets:,}); firings counted: {counted:,}")


def _phone(n: int, style: int) -> str:
    digits = f"9{n:09d}"
    return [f"+7 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}", f"8{digits}",
            f"+7{digits}", f"8 {digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}"][style % 4]  # fmt: skip


def seed_contacts(count: int) -> None:
    from django.conf import settings

    from deskline.clients.models import Company, Contact
    from deskline.clients.phones import phone_normalize

    started = time.perf_counter()
    companies = Company.objects.bulk_create(Company(name=f"Client {n}") for n in range(count // 10))
    batch = []
    for n in range(count):
        phone = _phone(n, n)
        batch.append(Contact(company=companies[n % len(companies)], name=f"Contact {n}",
                             phone=phone, email=f"c{n}@client.example",
                             phone_normalized=phone_normalize(phone, region=settings.DESKLINE_PHONE_REGION)))  # fmt: skip
        if len(batch) == 5000:
            Contact.objects.bulk_create(batch)
            batch = []
    Contact.objects.bulk_create(batch)
    print(f"seeded {count:,} contacts in {time.perf_counter() - started:.0f} s", flush=True)


def bench_caller(count: int, lookups: int) -> None:
    from django.test import Client

    from deskline.channels.phone import phone_source_token_create
    from deskline.channels.phone_models import PhoneSource
    from deskline.clients.caller import caller_by_number

    rng = random.Random(7)
    numbers = [rng.randrange(count) for _ in range(lookups)]
    found = [0]

    def lookup(n: int) -> None:
        found[0] += caller_by_number(_phone(numbers[n], numbers[n] + 1)) is not None

    for n in range(20):  # warm up
        lookup(n)
    found[0] = 0
    times, _ = _timed(lookups, lookup)
    print(
        f"caller lookup at {count:,} contacts: {lookups:,} lookups ({found[0]:,} found), {_ms(times)}"
    )
    source = PhoneSource.objects.create(name="bench")
    token = phone_source_token_create(source_id=source.pk)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def started(n: int) -> None:
        body = {"call_id": f"bench-{n}", "event": "started", "from": _phone(numbers[n], n),
                "to": "+74950000000", "extension": "101"}  # fmt: skip
        response = client.post(
            "/api/v1/channels/phone/bench", body, content_type="application/json"
        )
        assert response.status_code == 202 and response.json()["status"] == "processed"

    times, _ = _timed(lookups, started)
    print(f"'call started' webhook (store, parse, lookup, call row): {_ms(times)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help='"sqlite" or a PostgreSQL URL')
    parser.add_argument("--alerts", type=int, default=200, help="distinct alerts firing")
    parser.add_argument("--batch", type=int, default=20, help="alerts per webhook call")
    parser.add_argument("--calls", type=int, default=500, help="timed webhook calls")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=500)
    args = parser.parse_args()
    print("command: .venv/bin/python bench/channels.py " + " ".join(sys.argv[1:]), flush=True)
    _setup(args.database_url)
    from django.db import connection

    print(f"database: {connection.vendor}", flush=True)
    bench_alerts(args.alerts, args.batch, args.calls)
    seed_contacts(args.contacts)
    bench_caller(args.contacts, args.lookups)
    return 0


if __name__ == "__main__":
    sys.exit(main())
