"""CPU milliseconds of Python per request, in-process, for the pages and API calls users wait for.

The load benchmarks (`bench/api.py`, `bench/pages.py`) measure requests/s on a server that
shares the machine with PostgreSQL and the load driver; on a shared, noisy machine those move
with the neighbours. This script instead drives the whole Django stack (every middleware, the
URL resolver, the views, the templates, the serialisers) in one process with Django's test
`Client` against a seeded database and reads `time.process_time()` around a few hundred
requests after a warm-up: the CPU this process spent, which waiting on PostgreSQL does not
count. It prints, for each scenario, the best of `--rounds` rounds in CPU ms per request, the
SQL queries per request and the response size.

    # seed once (or let --seed do it when the database is empty)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deskline_pyreq \
        PYTHONPATH=src deskline demo --tickets 20000 --no-reports
    python bench/cpu_per_request.py --database-url postgres://postgres@127.0.0.1:5432/deskline_pyreq
    python bench/cpu_per_request.py --src /path/to/other/checkout/src   # the same, another release
    python bench/cpu_per_request.py --profile "desk list (all open)"    # cProfile, top functions

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent


def _setup(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(Path(args.src).resolve()))
    os.environ.update(
        DATABASE_URL=args.database_url,
        DESKLINE_DATA_DIR=args.data_dir,
        DJANGO_SETTINGS_MODULE="deskline.settings",
        DESKLINE_LOG_LEVEL="WARNING",
        DESKLINE_API_RATE_PER_TOKEN="0",  # noqa: S106 - a limit, not a password
        DESKLINE_API_RATE_PER_ADDRESS="0",
    )
    os.environ.pop("DESKLINE_DEBUG", None)
    import django

    django.setup()


def _seed_if_empty(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.db.utils import ProgrammingError

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM tickets_ticket")
            count = cursor.fetchone()[0]
    except ProgrammingError:
        count = 0
    if count:
        return
    connection.close()
    print(f"seeding {args.seed:,} tickets…", flush=True)
    env = dict(os.environ, PYTHONPATH=str(Path(args.src).resolve()))
    subprocess.run(
        [sys.executable, "-m", "deskline.cli", "demo", "--tickets", str(args.seed), "--no-reports"],
        env=env,
        check=True,
    )


def _scenarios() -> tuple[dict[str, Callable[[random.Random], tuple[str, str]]], str]:
    """The scenarios by name (each gives "api" or "desk" and a path) and a description."""
    from django.db.models import Count

    from deskline.tickets.listing import encode_cursor, parse_sort
    from deskline.tickets.models import Ticket

    top = Ticket.objects.order_by("-number").values_list("number", flat=True)[:1][0]
    numbers = random.Random(1).sample(range(1, top + 1), min(2000, top))
    pair = (
        Ticket.objects.exclude(team=None)
        .values("status_id", "team_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert pair is not None
    deep = Ticket.objects.order_by("-updated_at", "-id").values_list("updated_at", "id")[5000:5001]
    updated, row_id = deep[0]
    cursor = encode_cursor(parse_sort("-updated"), updated, row_id)
    first = "/api/v1/tickets?" + urlencode(
        {"status": pair["status_id"], "team": pair["team_id"], "sort": "-updated", "limit": 50}
    )
    deep_page = "/api/v1/tickets?" + urlencode({"sort": "-updated", "cursor": cursor, "limit": 50})
    filtered = "/?" + urlencode(
        {"view": "all", "status": pair["status_id"], "team": pair["team_id"]}
    )
    scenarios: dict[str, Callable[[random.Random], tuple[str, str]]] = {
        "API list first page": lambda r: ("api", first),
        "API list deep page": lambda r: ("api", deep_page),
        "API get": lambda r: ("api", f"/api/v1/tickets/{r.choice(numbers)}"),
        "desk list (all open)": lambda r: ("desk", "/?view=open"),
        "desk list filtered": lambda r: ("desk", filtered),
        "ticket page": lambda r: ("desk", f"/tickets/{r.choice(numbers)}/"),
    }
    return scenarios, f"{top:,} tickets"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/deskline_pyreq"
    )
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench-cpu"))
    parser.add_argument("--src", default=str(ROOT / "src"), help="the deskline sources to time")
    parser.add_argument("--seed", type=int, default=20_000, help="tickets when the DB is empty")
    parser.add_argument("--requests", type=int, default=300, help="per round")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--profile", default="", help="a scenario name: print its cProfile")
    parser.add_argument("--language", default="en", help="the viewer's language (en or ru)")
    parser.add_argument("--zone", default="Europe/Moscow", help="the viewer's time zone")
    args = parser.parse_args()
    _setup(args)
    _seed_if_empty(args)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from deskline.accounts.models import Role, User
    from deskline.accounts.services import api_token_create

    user, _ = User.objects.get_or_create(
        username="bench-cpu", defaults={"role": Role.ADMIN, "is_superuser": True}
    )
    User.objects.filter(pk=user.pk).update(language=args.language, time_zone=args.zone)
    token = api_token_create(username="bench-cpu")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}", SERVER_NAME="127.0.0.1")
    desk = Client(SERVER_NAME="127.0.0.1")
    desk.force_login(User.objects.get(pk=user.pk))
    clients = {"api": api, "desk": desk}
    scenarios, size = _scenarios()

    print(f"command: python bench/cpu_per_request.py {' '.join(sys.argv[1:])}")
    print(f"sources: {args.src}; {size}; viewer {args.language}, {args.zone}; "
          f"load average {os.getloadavg()[0]:.2f} (a shared machine: CPU time, not wall time)")  # fmt: skip
    print(f"{'scenario':<24}{'CPU ms/req':>12}{'rounds':>24}{'queries':>9}{'bytes':>9}")
    for name, make in scenarios.items():
        if args.only and name not in args.only:
            continue
        rng = random.Random(7)

        def one(
            make: Callable[[random.Random], tuple[str, str]] = make, rng: random.Random = rng
        ) -> int:
            kind, path = make(rng)
            response = clients[kind].get(path)
            assert response.status_code == 200, (path, response.status_code)
            return len(response.content)

        for _ in range(args.warmup):
            size_bytes = one()
        with CaptureQueriesContext(connection) as ctx:
            one()
        queries = len(ctx.captured_queries)
        if name == args.profile:
            profiler = cProfile.Profile(time.process_time)  # CPU, as the figures
            profiler.enable()
            for _ in range(args.requests):
                one()
            profiler.disable()
            for order, top in (("cumulative", 60), ("tottime", 40)):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(top)
                print(out.getvalue())
        rounds = []
        for _ in range(args.rounds):
            started = time.process_time()
            for _ in range(args.requests):
                one()
            rounds.append((time.process_time() - started) * 1000 / args.requests)
        shown = ", ".join(f"{r:.2f}" for r in rounds)
        print(
            f"{name:<24}{min(rounds):>12.2f}{shown:>24}{queries:>9}{size_bytes:>9}"
            f"   (median {statistics.median(rounds):.2f})",
            flush=True,
        )


if __name__ == "__main__":
    main()
