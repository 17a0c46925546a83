"""Benchmark of the REST API against the production server (granian) on 127.0.0.1.

For each size it seeds a database with `deskline demo`, starts the web server exactly as
`deskline run` does, and drives it with
concurrent keep-alive clients: create ticket, get ticket, list the first page (filter
status+team, sort updated desc), list a deep page by cursor, and a text search; with
`--routing`, also "create routed": the same creates while a rule sends every new ticket to the
1st line team, which assigns it round robin (the rule is removed afterwards). It prints
requests/s, p50 and p99, and the SQL queries per request (measured in-process at two page sizes).

    python bench/api.py --tickets 10000 100000 1000000           # PostgreSQL (default)
    python bench/api.py --tickets 10000 --reuse --duration 5      # keep an already seeded DB
    python bench/api.py --reuse --only "text search" --words printer принтер   # one row a word

Nothing here is part of the test suite; it only prints figures. Each scenario is first warmed
up (`--warmup` unmeasured requests per client): a web worker's first request imports the API.

SQLite settings (settings.py, backend `deskline.core.sqlite3`): WAL, synchronous=NORMAL,
temp_store=MEMORY, IMMEDIATE transactions, 20 s timeout, connections kept between requests
(a new one parses the schema: ~5 ms of CPU per request), and writers queued in arrival order
before BEGIN (threads hand the turn over, processes share a flock) instead of SQLite's busy
handler, which sleeps up to 100 ms between retries. A create validates, looks up and runs its
deciders (triage, routing, SLA) before its transaction; round robin takes a per-team turn in
one committed UPDATE ... RETURNING, so no team lock is held until the ticket commits.

Figures of 2026-12-04, on a shared 2-core machine under heavy load from other jobs (load
average 15-19, CPU pressure ~100 %): compare the ratios, not the absolute values. Base is
5f5c4f4, run back to back with the same command and a copy of the same seeded database:

    python bench/api.py --database-url sqlite:////work/var-fastcreate/mine/b.sqlite3 \
        --tickets 100000 --only create --routing --duration 10 --reuse
                          req/s   p50 ms   p99 ms   web CPU ms/req
    SQLite create         base 26.5  164.8  1821.1  13.81 | now 44.5  155.3  456.0   7.30
    SQLite create routed  base 10.5  351.3  3933.0  25.09 | now 36.5  185.9  626.0  12.04
    (an earlier pair without --routing: base 15.1/s p99 4448, 18.6 ms; now 35.0/s p99 687, 9.1 ms)

    python bench/api.py --database-url postgres://postgres@127.0.0.1:5432/deskline_fastcreate_mine \
        --tickets 10000 --only create --routing --duration 10 --reuse
    PostgreSQL create         base 27.7  278.7  532.3  9.72 | now 29.2  269.3  536.1   8.23
    PostgreSQL create routed  base  9.9  387.6 4326.9 22.67 | now 12.5  619.4  965.1  17.91
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from deskline.cli import web_server_command  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


HEADER = (
    f"{'scenario':<22}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}"
    f"{'CPU ms/req: web':>18}{'db':>6}{'driver':>8}"
)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine_speed() -> str:
    """A fixed pure-Python workload, best of five: figures from machines (or moments) whose
    reference times differ are not comparable. This virtual machine has measured 0.8-1.3 s."""
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        sum(i * i for i in range(10**7))
        best = min(best, time.process_time() - started)
    return f"machine speed: reference loop {best:.2f} s (lower is faster)"


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _processes(name: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _tree(pid: int) -> list[int]:
    """The process and its children (the web server's supervisor and workers)."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        pids += [int(p) for p in task.read_text().split()]
    return pids


@dataclass
class CpuSample:
    web: float
    db: float
    driver: float

    @classmethod
    def take(cls, server_pid: int | None) -> CpuSample:
        web = sum(_cpu_seconds(p) for p in _tree(server_pid)) if server_pid else 0.0
        db = sum(_cpu_seconds(p) for p in _processes("postgres"))
        times = os.times()
        return cls(web, db, times.user + times.system)


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    cpu: CpuSample | None = None  # CPU seconds spent during the run

    def row(self) -> str:
        lat = sorted(self.latencies_ms) or [0.0]
        p50 = statistics.median(lat)
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        rps = self.requests / self.seconds if self.seconds else 0.0
        line = f"{self.name:<22}{rps:>10.1f}{p50:>10.1f}{p99:>10.1f}{self.errors:>8}"
        if self.cpu and self.requests:
            per = 1000 / self.requests
            line += (
                f"{self.cpu.web * per:>18.2f}{self.cpu.db * per:>6.2f}{self.cpu.driver * per:>8.2f}"
            )
        return line


def _env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DESKLINE_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="deskline.settings",
        PYTHONPATH=str(ROOT / "src"),
        DESKLINE_LOG_LEVEL="WARNING",
        # The load driver is one client with one token, far beyond any per-client limit.
        DESKLINE_API_RATE_PER_TOKEN="0",  # noqa: S106 - a limit, not a password
        DESKLINE_API_RATE_PER_ADDRESS="0",
    )
    return env


def _deskline(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "-m", "deskline.cli", *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def _recreate_database(database_url: str) -> None:
    parsed = urlparse(database_url)
    if parsed.scheme == "sqlite":  # a file: start from none (and none of its WAL files)
        path = Path(parsed.path[1:] if parsed.path.startswith("//") else parsed.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        return
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server(
    env: dict[str, str], port: int, workers: int, threads: int = 4, *, own_group: bool = False
) -> subprocess.Popen[bytes]:
    """The production web server on `port`, once it answers; `own_group` puts it (and the
    processes it forks) in a process group of its own, so that it can be killed as one machine."""
    command = web_server_command("127.0.0.1", port, workers, threads, access_log=False)
    server = subprocess.Popen(
        [*command, "--log-level", "warning"], env=env, process_group=0 if own_group else None
    )
    deadline = time.monotonic() + 120  # a loaded shared machine may take a minute
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    if own_group:  # its forked worker too, or it keeps the port
        os.killpg(server.pid, signal.SIGKILL)
    else:
        server.kill()
    raise SystemExit("the server did not start")


Request = tuple[str, str, bytes | None]


def drive(
    name: str,
    port: int,
    headers: dict[str, str],
    clients: int,
    seconds: float,
    make: Callable[[random.Random], Request],
    server_pid: int | None = None,
) -> Result:
    """`clients` keep-alive connections sending what `make` gives for `seconds`; latencies."""
    latencies: list[float] = []
    counts = {"requests": 0, "errors": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        errors = 0
        while time.monotonic() < stop_at:
            method, path, body = make(rng)
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status >= 400:
                errors += 1
        with lock:
            latencies.extend(mine)
            counts["requests"] += len(mine)
            counts["errors"] += errors

    started, before = time.monotonic(), CpuSample.take(server_pid)
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = CpuSample.take(server_pid)
    spent = CpuSample(after.web - before.web, after.db - before.db, after.driver - before.driver)
    elapsed = time.monotonic() - started
    return Result(name, counts["requests"], counts["errors"], elapsed, latencies, spent)


def warm_up(
    port: int,
    headers: dict[str, str],
    clients: int,
    requests: int,
    make: Callable[[random.Random], Request],
) -> None:
    """`requests` unmeasured requests on each of `clients` connections, all at once: each web
    worker's first request imports the whole API (seconds of CPU), which is not what we time."""

    def client(seed: int) -> None:
        rng = random.Random(-seed - 1)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        for _ in range(requests):
            method, path, body = make(rng)
            conn.request(method, path, body=body, headers=headers)
            conn.getresponse().read()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@dataclass
class Fixture:
    token: str
    numbers: list[int]
    status_id: int
    team_id: int
    deep_cursor: str
    words: list[str]


def _prepare(env: dict[str, str]) -> Fixture:
    """Read what the scenarios need from the seeded database, in a child Python."""
    code = r"""
import django, json, random
django.setup()
from deskline.accounts.models import User, Role
from deskline.accounts.services import api_token_create
from deskline.tickets.models import Ticket, Status
from django.db.models import Count
from deskline.tickets.listing import encode_cursor, parse_sort
user, _ = User.objects.get_or_create(username="bench", defaults={"role": Role.ADMIN, "is_superuser": True})
token = api_token_create(username="bench")
top = Ticket.objects.order_by("-number").values_list("number", flat=True)[:1][0]
numbers = random.Random(1).sample(range(1, top + 1), min(2000, top))
# The commonest status + team pair fills a whole page at every size (an arbitrary pair may match
# one ticket at 10k and dozens at a million, which would compare unlike pages).
pair = Ticket.objects.exclude(team=None).values("status_id", "team_id").annotate(n=Count("id")).order_by("-n").first()
deep = Ticket.objects.order_by("-updated_at", "-id").values_list("updated_at", "id")[5000:5001]
updated, row_id = deep[0] if deep else Ticket.objects.order_by("updated_at", "id").values_list("updated_at", "id")[0]
cursor = encode_cursor(parse_sort("-updated"), updated, row_id)
print(json.dumps({"token": token, "numbers": numbers, "status_id": pair["status_id"], "team_id": pair["team_id"], "deep_cursor": cursor}))
"""
    out = subprocess.run([PYTHON, "-c", code], env=env, check=True, capture_output=True, text=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return Fixture(words=["printer", "принтер", "refrigerator", "лифт", "error"], **data)


ROUTING_SWITCH = r"""
import django, sys
django.setup()
from deskline.accounts.models import Team
from deskline.routing.models import Rule, RuleSet, TeamRouting
RuleSet.objects.filter(name="bench routing").delete()
team = Team.objects.filter(line=1, is_active=True, is_contractor=False).order_by("id").first()
if sys.argv[1] == "on":
    rule_set = RuleSet.objects.create(name="bench routing")
    Rule.objects.create(rule_set=rule_set, name="all to the 1st line", conditions=[], actions={"team_id": team.pk})
    TeamRouting.objects.update_or_create(team=team, defaults={"strategy": "round_robin"})
else:
    TeamRouting.objects.filter(team=team).delete()
"""


def _routing(env: dict[str, str], state: str) -> None:
    """Switch the bench's routing rule (and the 1st line's round robin) on or off."""
    subprocess.run([PYTHON, "-c", ROUTING_SWITCH, state], env=env, check=True)


def _query_counts(env: dict[str, str], fixture: Fixture) -> str:
    """Queries per request for list and get at two page sizes, measured in-process."""
    code = r"""
import django, json, sys
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
f = json.loads(sys.argv[1])
client = Client(HTTP_AUTHORIZATION="Bearer " + f["token"], SERVER_NAME="127.0.0.1")
def count(path, params):
    client.get(path, params)
    with CaptureQueriesContext(connection) as ctx:
        client.get(path, params)
    return len(ctx.captured_queries)
rows = []
for limit in (10, 100):
    rows.append(("list limit=%d" % limit, count("/api/v1/tickets", {"status": f["status_id"], "team": f["team_id"], "limit": limit})))
    rows.append(("search limit=%d" % limit, count("/api/v1/tickets", {"q": "printer", "limit": limit})))
rows.append(("get", count("/api/v1/tickets/%d" % f["numbers"][0], {})))
print(json.dumps(rows))
"""
    payload = json.dumps(fixture.__dict__)
    out = subprocess.run(
        [PYTHON, "-c", code, payload], env=env, check=True, capture_output=True, text=True
    )
    rows = json.loads(out.stdout.strip().splitlines()[-1])
    return ", ".join(f"{name}: {n}" for name, n in rows)


def _search(word: str | None, words: list[str]) -> Callable[[random.Random], Request]:
    """A text search for `word`, or for a random one of `words`."""

    def make(r: random.Random) -> Request:
        q = word or r.choice(words)
        return ("GET", "/api/v1/tickets?" + urlencode({"q": q, "limit": 50}), None)

    return make


def _scenarios(
    f: Fixture, words: list[str] | None = None
) -> dict[str, Callable[[random.Random], tuple[str, str, bytes | None]]]:
    """The scenarios by name; with `words`, one text search scenario per word."""
    first_page = "/api/v1/tickets?" + urlencode(
        {"status": f.status_id, "team": f.team_id, "sort": "-updated", "limit": 50}
    )
    deep_page = "/api/v1/tickets?" + urlencode(
        {"sort": "-updated", "cursor": f.deep_cursor, "limit": 50}
    )
    return {
        "create": lambda r: (
            "POST",
            "/api/v1/tickets",
            # Unique words: tickets made by earlier runs must not swell the text-search results.
            json.dumps(
                {
                    "title": f"Bench ticket {r.getrandbits(48):x}",
                    "description": f"load {r.getrandbits(48):x}",
                }
            ).encode(),
        ),
        "get": lambda r: ("GET", f"/api/v1/tickets/{r.choice(f.numbers)}", None),
        "list first page": lambda r: ("GET", first_page, None),
        "list deep page": lambda r: ("GET", deep_page, None),
        **(
            {f"text search {w}": _search(w, []) for w in words}
            if words
            else {"text search": _search(None, f.words)}
        ),
    }


def database_for(args: argparse.Namespace, size: int) -> dict[str, str]:
    """The environment of the database for `size` tickets: seeded afresh, or with --reuse only
    migrated (a reused database must still match the code)."""
    database_url = (
        f"{args.database_url}_{size}"
        if not args.database_url.startswith("sqlite")
        else args.database_url.replace(".sqlite3", f"_{size}.sqlite3")
    )
    data_dir = Path(args.data_dir) / str(size)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _env(database_url, data_dir)
    if args.reuse:
        _deskline(env, "manage", "migrate", "-v", "0")
        return env
    print(f"seeding {size:,} tickets into {database_url} ...", flush=True)
    _recreate_database(database_url)
    started = time.monotonic()
    _deskline(env, "manage", "migrate", "-v", "0")
    _deskline(env, "demo", "--tickets", str(size), "--seed", "1")
    print(f"  seeded in {time.monotonic() - started:.0f} s", flush=True)
    return env


def run_size(args: argparse.Namespace, size: int) -> None:
    env = database_for(args, size)
    fixture = _prepare(env)
    port = _free_port()
    server = _start_server(env, port, args.web_workers, args.web_threads)
    try:
        print(f"\n{size:,} tickets, {args.clients} clients, {args.web_workers} web processes x {args.web_threads} threads, "
              f"{args.duration:.0f} s per scenario")  # fmt: skip
        print(HEADER)
        headers = {"Authorization": f"Bearer {fixture.token}", "Content-Type": "application/json"}
        scenarios = _scenarios(fixture, args.words)
        for name, make in scenarios.items():
            if args.only and not any(name.startswith(only) for only in args.only):
                continue
            warm_up(port, headers, args.clients, args.warmup, make)
            print(
                drive(name, port, headers, args.clients, args.duration, make, server.pid).row(),
                flush=True,
            )
        if args.routing:
            _routing(env, "on")
            try:
                warm_up(port, headers, args.clients, args.warmup, scenarios["create"])
                result = drive("create routed", port, headers, args.clients, args.duration,
                               scenarios["create"], server.pid)  # fmt: skip
                print(result.row(), flush=True)
            finally:
                _routing(env, "off")
        print("queries per request:", _query_counts(env, fixture))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """The database, data folder, load and web server options every server bench takes."""
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/deskline_bench"
    )
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=4)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, nargs="+", default=[10_000])
    add_server_arguments(parser)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument(
        "--warmup", type=int, default=5, help="unmeasured requests per client before each scenario"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        default=[],
        help="scenarios to run (default: all), e.g. create get; a name's start picks all it begins",
    )
    parser.add_argument(
        "--words",
        nargs="+",
        default=[],
        help="text search: one scenario per word (default: one mixing printer, принтер, ...)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="do not recreate and seed the database"
    )
    parser.add_argument(
        "--routing",
        action="store_true",
        help="also create with a routing rule and round-robin assignment in force",
    )
    args = parser.parse_args()
    print(f"command: python bench/api.py {' '.join(sys.argv[1:])}")
    print(machine_speed(), flush=True)
    for size in args.tickets:
        run_size(args, size)


if __name__ == "__main__":
    main()
