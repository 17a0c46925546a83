"""Benchmark of `deskline migrate-from django-helpdesk`: tickets imported per second, and how long
a second (idempotent) run takes to find nothing new.

It writes a django-helpdesk database (SQLite, the tests' DDL of its models) with N tickets,
each with its opening follow-up, three more follow-ups (public, internal, a reply) and one file
in five, into a fresh Deskline database, then imports it twice in-process and prints the rates.

    python bench/migrate_from.py                                  # PostgreSQL (default)
    python bench/migrate_from.py --database-url sqlite --tickets 1000

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.routing import DEFAULT_URL, _setup  # noqa: E402

BENCH_URL = DEFAULT_URL.replace("routing", "migrate")


def _old_database(folder: Path, tickets: int) -> tuple[str, Path]:
    from tests.operations.migration.helpdesk_db import T0, Filler, create_schema

    path, media = folder / "helpdesk.sqlite3", folder / "media"
    con = sqlite3.connect(path)
    f = Filler(con.cursor(), "sqlite", media)
    create_schema(con.cursor(), "sqlite")
    agent = f.user("ivan", "ivan@old.example", "Ivan", "Petrov", True)
    queues = [f.queue(f"Queue {i}", f"q{i}") for i in range(5)]
    for n in range(tickets):
        at = T0 + timedelta(hours=n)
        text = f"Printer {n} jams on page {n % 7}"
        t = f.ticket(queues[n % 5], f"Ticket {n}", created=at, status=1 + n % 5,
                     email=f"client{n % 300}@example.com", description=text)  # fmt: skip
        opening = f.followup(t, at, text, title="Ticket Opened")
        if n % 5 == 0:
            f.attachment(opening, t, f"log{n}.txt", b"log line\n" * 20)
        f.followup(t, at + timedelta(minutes=10), "We are on it", user=agent)
        f.followup(t, at + timedelta(minutes=20), "Part ordered", user=agent, public=False)
        f.followup(t, at + timedelta(minutes=30), "Thanks", user=None)
    con.commit()
    con.close()
    return f"sqlite:///{path}", media


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=BENCH_URL, help="Deskline's, or 'sqlite'")
    parser.add_argument("--tickets", type=int, default=2000)
    args = parser.parse_args()
    _setup(args.database_url)
    from deskline.operations.migration.django_helpdesk import DjangoHelpdeskReader
    from deskline.operations.migration.loader import migrate
    from deskline.operations.migration.sourcedb import source_db

    url, media = _old_database(Path(tempfile.mkdtemp(prefix="deskline-bench-hd-")), args.tickets)
    for label in ("first run", "second run"):
        with source_db(url) as db:
            reader = DjangoHelpdeskReader(db, media_dir=media)
            started = time.perf_counter()
            report = migrate(reader.tickets(), source=reader.source, max_number=reader.max_number())
            took = time.perf_counter() - started
        print(f"{label}: {report.summary(dry_run=False)} in {took:.1f} s = "
              f"{args.tickets / took:.0f} tickets/s")  # fmt: skip
    print(f"command: python bench/migrate_from.py --database-url {args.database_url} "
          f"--tickets {args.tickets}")  # fmt: skip


if __name__ == "__main__":
    main()
