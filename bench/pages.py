"""Benchmark of the desk pages (ticket list and ticket page) against the production web server.

For each size it seeds a database with `deskline demo` (or reuses one), starts the web server
on 127.0.0.1 as `deskline run` does, signs a benchmark administrator in (a session made in a
child Python), and drives the pages with concurrent keep-alive clients: the list's default view, the list filtered by status and team,
the list with a text search, and the page of a random ticket. It prints requests/s, p50 and p99,
and the SQL queries per page (measured in-process at two list sizes).

    python bench/pages.py --tickets 10000 1000000               # PostgreSQL (default)
    python bench/pages.py --tickets 10000 --reuse --duration 5  # keep an already seeded DB

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import (  # noqa: E402  (bench/ is a folder of scripts, not a package)
    HEADER,
    PYTHON,
    ROOT,
    _free_port,
    _start_server,
    database_for,
    drive,
    machine_speed,
)


@dataclass
class Fixture:
    session: str
    numbers: list[int]
    status_id: int
    team_id: int


def _prepare(env: dict[str, str]) -> Fixture:
    """Make a signed-in session and pick ticket numbers, in a child Python."""
    code = r"""
import django, json, random
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from deskline.accounts.models import Role, User
from deskline.tickets.models import Ticket
user, _ = User.objects.get_or_create(
    username="bench-pages", defaults={"role": Role.ADMIN, "is_superuser": True}
)
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
top = Ticket.objects.order_by("-number").values_list("number", flat=True)[:1][0]
numbers = random.Random(1).sample(range(1, top + 1), min(top, 2000))
pair = Ticket.objects.exclude(team=None).values("status_id", "team_id").first()
print(json.dumps({"session": store.session_key, "numbers": numbers,
                  "status_id": pair["status_id"], "team_id": pair["team_id"]}))
"""
    out = subprocess.run([PYTHON, "-c", code], env=env, check=True, capture_output=True, text=True)
    return Fixture(**json.loads(out.stdout.strip().splitlines()[-1]))


def _query_counts(env: dict[str, str], fixture: Fixture) -> str:
    code = r"""
import django, json, sys
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from deskline.accounts.models import User
f = json.loads(sys.argv[1])
client = Client(SERVER_NAME="127.0.0.1")
client.force_login(User.objects.get(username="bench-pages"))
def count(path, params):
    client.get(path, params)
    with CaptureQueriesContext(connection) as ctx:
        client.get(path, params)
    return len(ctx.captured_queries)
rows = [
    ("list", count("/", {"view": "open"})),
    ("list filtered", count("/", {"status": f["status_id"], "team": f["team_id"]})),
    ("ticket page", count("/tickets/%d/" % f["numbers"][0], {})),
]
print(json.dumps(rows))
"""
    out = subprocess.run(
        [PYTHON, "-c", code, json.dumps(fixture.__dict__)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return ", ".join(f"{name}: {n}" for name, n in json.loads(out.stdout.strip().splitlines()[-1]))


def _scenarios(f: Fixture) -> dict[str, Callable[[random.Random], str]]:
    filtered = "/?" + urlencode({"view": "all", "status": f.status_id, "team": f.team_id})
    return {
        "desk list (all open)": lambda r: "/?view=open",
        "desk list filtered": lambda r: filtered,
        "desk list search": lambda r: "/?" + urlencode({"view": "all", "q": r.choice(WORDS)}),
        "ticket page": lambda r: f"/tickets/{r.choice(f.numbers)}/",
    }


WORDS = ["printer", "принтер", "refrigerator", "лифт", "error"]


def run_size(args: argparse.Namespace, size: int) -> None:
    env = database_for(args, size)
    fixture = _prepare(env)
    port = _free_port()
    server = _start_server(env, port, args.web_workers)
    try:
        print(f"\n{size:,} tickets, {args.clients} clients, {args.web_workers} web processes x 4 threads, "
              f"{args.duration:.0f} s per scenario")  # fmt: skip
        print(HEADER.replace("scenario", "page    "))
        for name, make in _scenarios(fixture).items():
            headers = {"Cookie": f"sessionid={fixture.session}"}
            result = drive(
                name,
                port,
                headers,
                args.clients,
                args.duration,
                lambda r, m=make: ("GET", m(r), None),
                server.pid,
            )
            print(result.row(), flush=True)
        print("queries per page:", _query_counts(env, fixture))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, nargs="+", default=[10_000])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/deskline_bench_pages"
    )
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench-pages"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument(
        "--reuse", action="store_true", help="do not recreate and seed the database"
    )
    args = parser.parse_args()
    print(f"command: python bench/pages.py {' '.join(sys.argv[1:])}")
    print(machine_speed(), flush=True)
    for size in args.tickets:
        run_size(args, size)


if __name__ == "__main__":
    main()
